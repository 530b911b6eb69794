// Fixed version of the t08 aggregator: FlushFixed swaps the whole series map
// for an empty one inside a single critical section (takeAll), so ownership of
// exactly the exported values moves to the flusher and later observations go
// into the fresh map. If the sink write fails, the taken series are merged
// back (counts and sums added, min/max combined) under the lock, so nothing is
// lost or double-counted.
package t08

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"
)

type AggregatorFixed struct {
	sink     Sink
	interval time.Duration

	mu     sync.Mutex
	series map[string]series
}

func NewAggregatorFixed(sink Sink, interval time.Duration) *AggregatorFixed {
	return &AggregatorFixed{sink: sink, interval: interval, series: make(map[string]series)}
}

func (a *AggregatorFixed) Observe(name string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	a.mu.Lock()
	a.series[name] = a.series[name].add(v)
	a.mu.Unlock()
}

func (a *AggregatorFixed) takeAll() map[string]series {
	a.mu.Lock()
	defer a.mu.Unlock()
	taken := a.series
	a.series = make(map[string]series, len(taken))
	return taken
}

func (a *AggregatorFixed) mergeBack(taken map[string]series) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for name, old := range taken {
		cur, ok := a.series[name]
		if !ok || cur.count == 0 {
			a.series[name] = old
			continue
		}
		cur.count += old.count
		cur.sum += old.sum
		cur.min = math.Min(cur.min, old.min)
		cur.max = math.Max(cur.max, old.max)
		a.series[name] = cur
	}
}

func (a *AggregatorFixed) FlushFixed(ctx context.Context) error {
	now := time.Now()
	taken := a.takeAll()
	pts := make([]Point, 0, len(taken))
	for name, s := range taken {
		if s.count > 0 {
			pts = append(pts, Point{Name: name, Count: s.count, Sum: s.sum, Min: s.min, Max: s.max, Time: now})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].Name < pts[j].Name })
	if err := a.sink.Write(ctx, pts); err != nil {
		a.mergeBack(taken)
		return err
	}
	return nil
}

func (a *AggregatorFixed) Run(ctx context.Context) {
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			a.FlushFixed(fctx)
			cancel()
			return
		case <-t.C:
			a.FlushFixed(ctx)
		}
	}
}
