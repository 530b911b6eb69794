package lockfree

// noCopy may be embedded in a struct so that `go vet` (copylocks) reports
// copies of it after first use.
type noCopy struct{}

// Lock is a no-op used by the copylocks checker.
func (*noCopy) Lock() {}

// Unlock is a no-op used by the copylocks checker.
func (*noCopy) Unlock() {}

// cacheLinePad is the size used to keep independently written words on
// separate cache lines. 128 bytes rather than 64 because x86 cores prefetch
// adjacent line pairs, which makes neighbouring 64-byte lines contend too.
const cacheLinePad = 128
