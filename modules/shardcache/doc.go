// Package shardcache provides Cache, a bounded concurrent in-memory cache
// with a W-TinyLFU eviction policy (adaptive window, count-min frequency
// sketch), per-entry time-to-live, read-through loading with per-key request
// de-duplication, and statistics for monitoring (exported to Prometheus by
// the shardcache/prom subpackage).
//
// Keys are hashed with a per-cache random seed (xxhash for string keys,
// hash/maphash for other types) and routed to independently locked shards of
// at least 256 entries. Reads are lock-free: a hit loads an atomic pointer
// from the shard's hash index and reports the access to the policy through
// a lossy buffer striped by goroutine, so a key read from every goroutine at
// once never serializes on a lock. Overwriting a present key with a
// word-sized value is one atomic store; other writes take the shard lock. No
// write is ever dropped, and no panic of a caller-supplied function leaves a
// lock held.
package shardcache
