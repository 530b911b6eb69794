package checkthenact

import "sync"

// go-chassis/go-chassis control/servicecomb/transfer.go at 6bcf5150: a
// circuit breaker's config is built from the configuration and stored
// under its key when the cache has none, has one of another type or has
// another one; it is skipped only when the cached one equals it, and every
// path answers the key. As a whole that is an unconditional Store that
// leaves out an equal write, which no interleaving makes wrong.
type breakerConfig struct {
	timeout, maxConcurrent int
	forceOpen              bool
}

var breakerConfigs sync.Map

func saveBreakerConfig(service string, timeout int) string {
	c := breakerConfig{timeout: timeout, maxConcurrent: 10}
	key := service + "|consumer"
	cached, ok := breakerConfigs.Load(key)
	if !ok || cached == nil {
		breakerConfigs.Store(key, c)
		return key
	}
	old, ok := cached.(breakerConfig)
	if !ok {
		breakerConfigs.Store(key, c)
		return key
	}
	if c == old {
		return key
	}
	breakerConfigs.Store(key, c)
	return key
}

// Skipped when the cached config is forced open, whatever the new one is:
// that decision is made on a value another goroutine can have replaced.
func saveUnlessForced(service string, timeout int) string {
	c := breakerConfig{timeout: timeout, maxConcurrent: 10}
	key := service + "|consumer"
	cached, ok := breakerConfigs.Load(key)
	if !ok || cached == nil {
		breakerConfigs.Store(key, c) // want `breakerConfigs.Store\(key\) after breakerConfigs.Load\(key\) on line 43 is decided by the loaded value`
		return key
	}
	old, ok := cached.(breakerConfig)
	if !ok {
		breakerConfigs.Store(key, c)
		return key
	}
	if old.forceOpen {
		return key
	}
	breakerConfigs.Store(key, c)
	return key
}

// Answers whether it stored: two goroutines that find no config both
// answer true, where one after the other the second would answer false.
func saveReporting(service string, timeout int) bool {
	c := breakerConfig{timeout: timeout, maxConcurrent: 10}
	key := service + "|consumer"
	cached, ok := breakerConfigs.Load(key)
	if !ok || cached == nil {
		breakerConfigs.Store(key, c) // want `breakerConfigs.Store\(key\) after breakerConfigs.Load\(key\) on line 65 is decided by the loaded value`
		return true
	}
	if old, isConfig := cached.(breakerConfig); isConfig && old == c {
		return false
	}
	breakerConfigs.Store(key, c)
	return true
}
