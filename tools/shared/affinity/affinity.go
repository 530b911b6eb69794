// Package affinity picks stripes of striped counters and buffers so that a
// goroutine keeps using the same stripe while goroutines running at the same
// time mostly use different ones.
//
// Picking a stripe at random spreads writes evenly, but every core then
// writes every stripe and each stripe's cache line moves between cores on
// nearly every write. Keeping each goroutine on one stripe keeps the line in
// its core's cache. Go exposes neither goroutine nor processor identity
// without go:linkname, so Hash uses the address of the calling goroutine's
// stack: it is stable while the goroutine runs (a stack that grows is copied
// elsewhere, which only moves the goroutine to another stripe), and
// goroutines running at the same time have distinct stacks. The address is
// only read as a number, never turned back into a pointer.
package affinity

import "unsafe"

// stackShift drops the offset within a stack: goroutine stacks are at least
// 2 KiB, so calls at different depths in one goroutine mostly share a hash.
const stackShift = 11

// Hash returns a number identifying the calling goroutine's stack, mixed
// (Fibonacci hashing) so that its low bits index stripes. It costs a few
// instructions and touches no shared memory.
func Hash() uint32 {
	var x byte
	addr := uint64(uintptr(unsafe.Pointer(&x))) >> stackShift
	return uint32((addr * 0x9e3779b97f4a7c15) >> 32)
}
