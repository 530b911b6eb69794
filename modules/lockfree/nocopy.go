package lockfree

// noCopy may be embedded in a struct so that `go vet` (copylocks) reports
// copies of it after first use.
type noCopy struct{}

// Lock is a no-op used by the copylocks checker.
func (*noCopy) Lock() {}

// Unlock is a no-op used by the copylocks checker.
func (*noCopy) Unlock() {}
