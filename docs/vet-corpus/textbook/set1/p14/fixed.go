package p14

import "sync"

var (
	defaultOnceFixed sync.Once
	defaultRegFixed  *Registry
)

// DefaultFixed returns the process-wide registry, created exactly once.
func DefaultFixed() *Registry {
	defaultOnceFixed.Do(func() { defaultRegFixed = newRegistry() })
	return defaultRegFixed
}
