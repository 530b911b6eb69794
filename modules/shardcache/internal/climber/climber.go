// Package climber sizes the admission window of a W-TinyLFU cache policy
// from the hits it observes, so the policy favours recency when the
// workload rewards it (a large window) and frequency when it does not (a
// small one).
//
// A Climber is fed one Hit or Miss per request the policy sees and, once a
// sample of requests is complete, Adjust returns by how much the window
// should grow or shrink. Two control laws are used, chosen by the policy's
// capacity in entries, after Caffeine's window climber (its design notes:
// github.com/ben-manes/caffeine, .claude/docs/hill-climber.md):
//
//   - Up to ReactiveMaxEntries, the bold-driver hill climber of Caffeine and
//     otter: samples of 10 × capacity requests; the window keeps moving in
//     the direction that raised the hit rate since the previous sample and
//     reverses when it fell, with a step of 6.25% of the capacity that
//     decays by 2% per sample and restarts when the hit rate moves by 5
//     points. A window of a few entries earns too few hits per sample for
//     the density law to read (a 1% window of 250 entries is 2 entries,
//     which a recency-biased trace leaves empty-handed and density then
//     never grows), while this law's exploration reaches larger windows.
//   - Above it, density steering: samples of 4 × capacity requests; the
//     window grows while it earns more hits per unit of capacity than the
//     main space and shrinks while it earns fewer (the step is proportional
//     to the log of the ratio, at most 30% of the capacity), with a floor of
//     1% of the capacity. Both densities are measured in the same sample, so
//     a change of workload phase cancels out of the ratio and the window
//     settles near the workload's best static window on recency-biased
//     traces (OLTP, storage and web traces), instead of wandering with the
//     sample-to-sample noise of the hit rate; on frequency-biased and
//     looping traces the window earns little and stays near the floor.
//
// The thresholds were chosen by replaying public traces (see
// docs/cache-hit-ratio.md in the repository): below 512 entries
// the density law pins recency-biased traces (the Corda trace at 250
// entries) at the floor; a floor of 2% cost looping traces 1 to 2 points;
// Caffeine's probes out of the floor lost more on looping traces than they
// gained elsewhere once small caches use the reactive law.
//
// A Climber is not safe for concurrent use; the cache calls it under a
// shard lock.
package climber

import "math"

// ReactiveMaxEntries is the largest capacity, in entries, that uses the
// reactive law.
const ReactiveMaxEntries = 512

const (
	reactiveSample   = 10     // sample length in capacities, reactive law
	stepPercent      = 0.0625 // reactive step, as a share of the capacity
	stepDecay        = 0.98   // step shrink factor while the hit rate is stable
	restartThreshold = 0.05   // a hit-rate change this large restarts big steps

	densitySample = 4    // sample length in capacities, density law
	densityGain   = 0.03 // density step per unit of log density ratio, as a share of the capacity
	densityMax    = 0.30 // largest density step, as a share of the capacity
	densityFloor  = 0.01 // smallest window under the density law, as a share of the capacity
)

// Climber adapts the window size of one policy. The zero value is not
// usable; call New.
type Climber struct {
	capacity float64 // in weight units
	density  bool    // density law, else reactive
	sample   int     // requests per sample

	hits, misses, windowHits int

	// reactive law
	prevRate float64
	step     float64
}

// New returns a climber for a policy bounded by capacity weight units that
// holds about entries entries (equal to capacity when every entry weighs 1).
func New(capacity int64, entries int) *Climber {
	c := &Climber{capacity: float64(capacity)}
	if entries > ReactiveMaxEntries {
		c.density = true
		c.sample = densitySample * entries
	} else {
		c.sample = reactiveSample * entries
	}
	c.step = -stepPercent * c.capacity
	return c
}

// Hit records a request that hit, in the window or in the main space.
func (c *Climber) Hit(inWindow bool) {
	c.hits++
	if inWindow {
		c.windowHits++
	}
}

// Miss records a request that missed.
func (c *Climber) Miss() { c.misses++ }

// Adjust returns the change of the window size the completed sample calls
// for, in weight units (positive: grow), given the current window size; it
// returns 0 until a sample is complete. The caller applies as much of the
// change as it can, and passes the resulting window next time.
func (c *Climber) Adjust(window int64) int64 {
	n := c.hits + c.misses
	if n < c.sample || n == 0 {
		return 0
	}
	hits, windowHits := c.hits, c.windowHits
	c.hits, c.misses, c.windowHits = 0, 0, 0
	if !c.density {
		return c.reactive(float64(hits) / float64(n))
	}
	return c.steer(hits, windowHits, window)
}

// reactive is the bold-driver hill climber.
func (c *Climber) reactive(rate float64) int64 {
	change := rate - c.prevRate
	amount := c.step
	if change < 0 {
		amount = -c.step
	}
	if math.Abs(change) >= restartThreshold {
		c.step = math.Copysign(stepPercent*c.capacity, amount)
	} else {
		c.step = stepDecay * amount
	}
	c.prevRate = rate
	return int64(amount)
}

// steer is density steering.
func (c *Climber) steer(hits, windowHits int, window int64) int64 {
	if hits == 0 {
		return 0
	}
	const eps = 1e-9
	windowDensity := float64(windowHits) / float64(max(window, 1))
	mainDensity := float64(hits-windowHits) / max(c.capacity-float64(window), 1)
	ratio := math.Log((windowDensity + eps) / (mainDensity + eps))
	step := math.Copysign(min(densityMax, math.Abs(ratio)*densityGain)*c.capacity, ratio)
	floor := max(int64(densityFloor*c.capacity), 1)
	return max(int64(float64(window)+step), floor) - window
}
