package prom_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/shardcache"
	"github.com/raceproof/raceproof/modules/shardcache/prom"
)

func newCache(t *testing.T) *shardcache.Cache[string, int] {
	t.Helper()
	c, err := shardcache.New(shardcache.Options[string, int]{MaxEntries: 512, Shards: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestCollectorLintClean(t *testing.T) {
	c := newCache(t)
	c.Set("a", 1)
	problems, err := testutil.CollectAndLint(prom.NewCollector(c, prom.Options{}))
	require.NoError(t, err)
	require.Empty(t, problems)
}

func TestCollectorValues(t *testing.T) {
	c := newCache(t)
	c.Set("a", 1)
	c.Set("a", 2) // replaced
	c.Get("a")    // hit
	c.Get("b")    // miss
	c.Delete("a") // explicit
	ctx := context.Background()
	_, _ = c.GetOrLoad(ctx, "x", func(context.Context, string) (int, error) { return 1, nil })
	_, _ = c.GetOrLoad(ctx, "y", func(context.Context, string) (int, error) { return 0, errors.New("boom") })

	col := prom.NewCollector(c, prom.Options{ConstLabels: prometheus.Labels{"cache": "test"}})
	want := `
# HELP shardcache_hits_total Lookups that found a live entry.
# TYPE shardcache_hits_total counter
shardcache_hits_total{cache="test"} 1
# HELP shardcache_misses_total Lookups that found no live entry.
# TYPE shardcache_misses_total counter
shardcache_misses_total{cache="test"} 3
# HELP shardcache_loads_total Completed loads by outcome.
# TYPE shardcache_loads_total counter
shardcache_loads_total{cache="test",outcome="error"} 1
shardcache_loads_total{cache="test",outcome="success"} 1
# HELP shardcache_evictions_total Entries the cache evicted, by cause: size (the bound) or expired (the time-to-live).
# TYPE shardcache_evictions_total counter
shardcache_evictions_total{cache="test",cause="expired"} 0
shardcache_evictions_total{cache="test",cause="size"} 0
# HELP shardcache_removals_total Entries removed by callers, by cause: explicit (Delete, Clear) or replaced (overwritten).
# TYPE shardcache_removals_total counter
shardcache_removals_total{cache="test",cause="explicit"} 1
shardcache_removals_total{cache="test",cause="replaced"} 1
# HELP shardcache_entries Entries currently stored.
# TYPE shardcache_entries gauge
shardcache_entries{cache="test"} 1
# HELP shardcache_weighted_size Total weight of the entries currently stored.
# TYPE shardcache_weighted_size gauge
shardcache_weighted_size{cache="test"} 1
`
	require.NoError(t, testutil.CollectAndCompare(col, strings.NewReader(want),
		"shardcache_hits_total", "shardcache_misses_total", "shardcache_loads_total",
		"shardcache_evictions_total", "shardcache_removals_total", "shardcache_entries", "shardcache_weighted_size"))

	// Per-shard series only when asked for; a histogram with both loads.
	require.Equal(t, 0, testutil.CollectAndCount(col, "shardcache_shard_entries"))
	perShard := prom.NewCollector(c, prom.Options{ShardSeries: true})
	require.Equal(t, 2, testutil.CollectAndCount(perShard, "shardcache_shard_entries"))
	problems, err := testutil.CollectAndLint(perShard)
	require.NoError(t, err)
	require.Empty(t, problems)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(col))
	mfs, err := reg.Gather()
	require.NoError(t, err)
	var found bool
	for _, mf := range mfs {
		if mf.GetName() == "shardcache_load_duration_seconds" {
			found = true
			require.Equal(t, uint64(2), mf.GetMetric()[0].GetHistogram().GetSampleCount())
		}
	}
	require.True(t, found, "load duration histogram missing")
}

func TestCollectorNamespace(t *testing.T) {
	c := newCache(t)
	col := prom.NewCollector(c, prom.Options{Namespace: "app"})
	require.Equal(t, 1, testutil.CollectAndCount(col, "app_hits_total"))
	require.Equal(t, 1, testutil.CollectAndCount(col, "app_hot_key_promotions_total"))
	require.Equal(t, 1, testutil.CollectAndCount(col, "app_load_waiters_deduplicated_total"))
}

func TestEvictionsExcludeRemovals(t *testing.T) {
	c, err := shardcache.New(shardcache.Options[int, int]{MaxEntries: 256, Shards: 1})
	require.NoError(t, err)
	defer c.Close()
	for i := range 300 { // 44 evicted by size
		c.Set(i, i)
	}
	for i := range 300 {
		c.Set(i, -i) // replaces those present, inserts (and evicts) the others
		c.Delete(i)
	}
	st := c.Stats()
	col := prom.NewCollector(c, prom.Options{})
	got := func(name, cause string) float64 {
		reg := prometheus.NewPedanticRegistry()
		require.NoError(t, reg.Register(col))
		mfs, err := reg.Gather()
		require.NoError(t, err)
		for _, mf := range mfs {
			if mf.GetName() != name {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "cause" && l.GetValue() == cause {
						return m.GetCounter().GetValue()
					}
				}
			}
		}
		t.Fatalf("%s{cause=%q} missing", name, cause)
		return 0
	}
	require.Equal(t, float64(st.Evicted.Size), got("shardcache_evictions_total", "size"))
	require.Equal(t, float64(300), got("shardcache_removals_total", "explicit"), "every Delete is a removal")
	require.Equal(t, float64(st.Removed.Replaced), got("shardcache_removals_total", "replaced"))
	require.Less(t, got("shardcache_evictions_total", "size"), float64(300), "deletes and overwrites are not evictions")
}
