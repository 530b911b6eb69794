// Package cacheline gives the padding that keeps independently written
// words off each other's cache lines.
package cacheline

// Size is the distance to keep between words that different cores write:
// 128 bytes rather than the 64-byte line of x86-64, because Intel cores
// prefetch adjacent line pairs (the spatial prefetcher), which makes
// neighbouring 64-byte lines contend too, and Apple's arm64 cores have
// 128-byte lines. crossbeam's CachePadded and folly's
// hardware_destructive_interference_size use 128 on both for the same reasons.
const Size = 128
