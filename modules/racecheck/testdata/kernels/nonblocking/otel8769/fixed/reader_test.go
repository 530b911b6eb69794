package otel8769

import (
	"testing"
	"time"
)

func TestShortIntervalReader(t *testing.T) {
	for range 3 {
		r := NewPeriodicReader(20 * time.Microsecond)
		r.Register(func() int { return 1 })
		r.Shutdown()
	}
}
