// Package t08 is the aggregation stage of a metrics pipeline in the style of
// statsd / the Datadog agent's aggregator: observations are folded into
// per-series summaries (a map of plain structs) and flushed to a sink on an
// interval.
//
// Concurrency: request-handling goroutines call Aggregator.Observe for every
// measurement; the Run goroutine calls Flush on every tick and once more on
// shutdown (an admin /flush handler may call Flush too). All access to
// a.series is done under a.mu.
//
// BUG: Flush copies the map under a.mu (snapshot), releases the lock, encodes
// and writes the points to the sink, and afterwards re-locks and deletes every
// series it exported. Observations recorded for those series while the sink
// write was in flight are deleted together with the exported values.
// check: snapshot sees series[name] with count > 0 (under a.mu) -> act: delete(a.series, name) (under a.mu, later).
//
// HARM: every measurement that lands during a flush is silently dropped.
// Because sink writes take tens of milliseconds, a busy service under-reports
// request counts and latency sums by a large fraction: usage-based billing
// undercharges, and error-rate alerts miss real incidents.
package t08

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"
)

// Point is one exported aggregate.
type Point struct {
	Name  string
	Count int64
	Sum   float64
	Min   float64
	Max   float64
	Time  time.Time
}

// Sink receives flushed points.
type Sink interface {
	Write(ctx context.Context, pts []Point) error
}

type series struct {
	count    int64
	sum      float64
	min, max float64
}

func (s series) add(v float64) series {
	if s.count == 0 || v < s.min {
		s.min = v
	}
	if s.count == 0 || v > s.max {
		s.max = v
	}
	s.count++
	s.sum += v
	return s
}

// Aggregator folds observations into series.
type Aggregator struct {
	sink     Sink
	interval time.Duration

	mu     sync.Mutex
	series map[string]series
}

func NewAggregator(sink Sink, interval time.Duration) *Aggregator {
	return &Aggregator{sink: sink, interval: interval, series: make(map[string]series)}
}

// Observe records one measurement.
func (a *Aggregator) Observe(name string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	a.mu.Lock()
	a.series[name] = a.series[name].add(v)
	a.mu.Unlock()
}

func (a *Aggregator) snapshot() map[string]series {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]series, len(a.series))
	for k, v := range a.series {
		out[k] = v
	}
	return out
}

func (a *Aggregator) forget(names []string) {
	a.mu.Lock()
	for _, n := range names {
		delete(a.series, n)
	}
	a.mu.Unlock()
}

// Flush exports all non-empty series; on sink failure they are kept for retry.
func (a *Aggregator) Flush(ctx context.Context) error {
	now := time.Now()
	snap := a.snapshot()
	pts := make([]Point, 0, len(snap))
	names := make([]string, 0, len(snap))
	for name, s := range snap {
		if s.count == 0 {
			continue
		}
		pts = append(pts, Point{Name: name, Count: s.count, Sum: s.sum, Min: s.min, Max: s.max, Time: now})
		names = append(names, name)
	}
	if len(pts) == 0 {
		return nil
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].Name < pts[j].Name })
	if err := a.sink.Write(ctx, pts); err != nil {
		return err
	}
	a.forget(names)
	return nil
}

// Run flushes every interval until ctx is cancelled, then flushes once more.
func (a *Aggregator) Run(ctx context.Context) {
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			a.Flush(fctx)
			cancel()
			return
		case <-t.C:
			a.Flush(ctx)
		}
	}
}
