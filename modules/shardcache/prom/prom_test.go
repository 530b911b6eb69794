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
# HELP shardcache_evictions_total Entries removed from the cache, by cause.
# TYPE shardcache_evictions_total counter
shardcache_evictions_total{cache="test",cause="expired"} 0
shardcache_evictions_total{cache="test",cause="explicit"} 1
shardcache_evictions_total{cache="test",cause="replaced"} 1
shardcache_evictions_total{cache="test",cause="size"} 0
# HELP shardcache_entries Entries currently stored.
# TYPE shardcache_entries gauge
shardcache_entries{cache="test"} 1
# HELP shardcache_weighted_size Total weight of the entries currently stored.
# TYPE shardcache_weighted_size gauge
shardcache_weighted_size{cache="test"} 1
`
	require.NoError(t, testutil.CollectAndCompare(col, strings.NewReader(want),
		"shardcache_hits_total", "shardcache_misses_total", "shardcache_loads_total",
		"shardcache_evictions_total", "shardcache_entries", "shardcache_weighted_size"))

	// One series per shard, and a histogram with both loads.
	require.Equal(t, 2, testutil.CollectAndCount(col, "shardcache_shard_entries"))
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
