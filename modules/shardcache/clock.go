package shardcache

import "time"

// clock is the cache's time source in nanoseconds on a monotonic scale.
// Tests replace it to drive expiry deterministically.
type clock interface {
	now() int64
}

// monoClock reads the monotonic clock relative to the cache's creation.
// Inside a testing/synctest bubble time.Now is the bubble's fake clock.
type monoClock struct{ base time.Time }

func (c monoClock) now() int64 { return int64(time.Since(c.base)) + 1 }
