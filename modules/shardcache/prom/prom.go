// Package prom exports shardcache statistics to Prometheus.
//
// A Collector reads a Stats snapshot from its source on every scrape and
// turns it into constant metrics, so nothing Prometheus-related runs on the
// cache's hot path. Register one per cache, distinguishing caches with a
// constant label:
//
//	reg.MustRegister(prom.NewCollector(cache, prom.Options{
//		ConstLabels: prometheus.Labels{"cache": "users"},
//	}))
package prom

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/raceproof/raceproof/modules/shardcache"
)

// Source is anything with a Stats method, such as *shardcache.Cache of any
// key and value types.
type Source interface {
	Stats() shardcache.Stats
}

// Options configures a Collector.
type Options struct {
	// Namespace prefixes every metric name; "shardcache" when empty.
	Namespace string
	// ConstLabels are attached to every metric, typically to name the cache.
	ConstLabels prometheus.Labels
	// ShardSeries adds <ns>_shard_entries{shard}, one series per shard (up
	// to 4 × GOMAXPROCS of them per cache), to spot skew or flooding. Off by
	// default: the series multiply with caches and cores.
	ShardSeries bool
}

// Collector is a prometheus.Collector over a Source. It is safe for
// concurrent use: each Collect takes one Stats snapshot.
type Collector struct {
	src         Source
	shardSeries bool

	hits, misses, loads, loadDuration, evictions, removals *prometheus.Desc
	entries, weight, shardEntries, waiters, promotions     *prometheus.Desc
}

// NewCollector returns a collector of src's statistics. The metrics are:
//
//	<ns>_hits_total                         counter
//	<ns>_misses_total                       counter
//	<ns>_loads_total{outcome}               counter, outcome is success or error
//	<ns>_load_duration_seconds              histogram
//	<ns>_evictions_total{cause}             counter, cause is size or expired: entries the cache removed on its own
//	<ns>_removals_total{cause}              counter, cause is explicit (Delete, Clear) or replaced (overwritten)
//	<ns>_entries                            gauge
//	<ns>_weighted_size                      gauge
//	<ns>_shard_entries{shard}               gauge, one series per shard, only with Options.ShardSeries
//	<ns>_load_waiters_deduplicated_total    counter
//	<ns>_hot_key_promotions_total           counter
func NewCollector(src Source, opts Options) *Collector {
	ns := opts.Namespace
	if ns == "" {
		ns = "shardcache"
	}
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(ns, "", name), help, labels, opts.ConstLabels)
	}
	return &Collector{
		src:          src,
		shardSeries:  opts.ShardSeries,
		hits:         desc("hits_total", "Lookups that found a live entry."),
		misses:       desc("misses_total", "Lookups that found no live entry."),
		loads:        desc("loads_total", "Completed loads by outcome.", "outcome"),
		loadDuration: desc("load_duration_seconds", "Duration of loads."),
		evictions:    desc("evictions_total", "Entries the cache evicted, by cause: size (the bound) or expired (the time-to-live).", "cause"),
		removals:     desc("removals_total", "Entries removed by callers, by cause: explicit (Delete, Clear) or replaced (overwritten).", "cause"),
		entries:      desc("entries", "Entries currently stored."),
		weight:       desc("weighted_size", "Total weight of the entries currently stored."),
		shardEntries: desc("shard_entries", "Entries currently stored per shard.", "shard"),
		waiters:      desc("load_waiters_deduplicated_total", "Lookups that joined a load already in flight."),
		promotions:   desc("hot_key_promotions_total", "Entries promoted to the protected (hot) segment."),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.hits, c.misses, c.loads, c.loadDuration, c.evictions, c.removals,
		c.entries, c.weight, c.waiters, c.promotions,
	} {
		ch <- d
	}
	if c.shardSeries {
		ch <- c.shardEntries
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter(c.hits, st.Hits)
	counter(c.misses, st.Misses)
	counter(c.loads, st.LoadSuccesses, "success")
	counter(c.loads, st.LoadErrors, "error")
	h := st.LoadDuration
	buckets := make(map[float64]uint64, len(h.Bounds))
	for i, b := range h.Bounds {
		buckets[b.Seconds()] = h.Cumulative[i]
	}
	ch <- prometheus.MustNewConstHistogram(c.loadDuration, h.Count, h.Sum.Seconds(), buckets)
	counter(c.evictions, st.Evicted.Size, shardcache.Size.String())
	counter(c.evictions, st.Evicted.Expired, shardcache.Expired.String())
	counter(c.removals, st.Removed.Explicit, shardcache.Explicit.String())
	counter(c.removals, st.Removed.Replaced, shardcache.Replaced.String())
	gauge(c.entries, float64(st.Entries))
	gauge(c.weight, float64(st.Weight))
	if c.shardSeries {
		for i, n := range st.ShardEntries {
			gauge(c.shardEntries, float64(n), strconv.Itoa(i))
		}
	}
	counter(c.waiters, st.DedupedWaiters)
	counter(c.promotions, st.Promotions)
}
