package prom_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/raceproof/raceproof/modules/shardcache"
	"github.com/raceproof/raceproof/modules/shardcache/prom"
)

// Serve a cache's metrics on an HTTP /metrics handler.
func Example() {
	cache, err := shardcache.New(shardcache.Options[string, string]{MaxEntries: 10_000})
	if err != nil {
		panic(err)
	}
	defer cache.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(prom.NewCollector(cache, prom.Options{
		ConstLabels: prometheus.Labels{"cache": "sessions"},
	}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cache.Set("alice", "session-1")
	cache.Get("alice")
	cache.Get("bob")

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "shardcache_hits_total") ||
			strings.HasPrefix(line, "shardcache_misses_total") ||
			strings.HasPrefix(line, "shardcache_entries") {
			fmt.Println(line)
		}
	}
	// Output:
	// shardcache_entries{cache="sessions"} 1
	// shardcache_hits_total{cache="sessions"} 1
	// shardcache_misses_total{cache="sessions"} 1
}
