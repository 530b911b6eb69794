//go:build !unix

package cachebench

import "time"

// processCPU is unavailable on this platform; the cpu-ns/op metric reads 0.
func processCPU() time.Duration { return 0 }
