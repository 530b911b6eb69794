package checkthenact

// Which map-like types are meant for concurrent use: issue #19's follow-up
// cases from beego.

import "sync"

// beego client/orm/internal/models (ModelCache): a plain map with a
// sync.Once for its bootstrap. The Once does not make Get and Set safe for
// concurrent use; using it from two goroutines is a data race the race
// detector reports, not a check-then-act.
type modelCache struct {
	cache         map[string]string
	bootstrapOnce *sync.Once
	registered    sync.WaitGroup
}

func (mc *modelCache) Get(table string) (string, bool) { v, ok := mc.cache[table]; return v, ok }
func (mc *modelCache) Set(table, model string)         { mc.cache[table] = model }

func (mc *modelCache) register(table, model string) {
	if _, ok := mc.Get(table); ok {
		return
	}
	mc.Set(table, model)
}

// The same map with a lock in it is meant for concurrent use.
type lockedModelCache struct {
	mu    sync.Mutex
	cache map[string]string
}

func (mc *lockedModelCache) Get(table string) (string, bool) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	v, ok := mc.cache[table]
	return v, ok
}

func (mc *lockedModelCache) Set(table, model string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.cache[table] = model
}

func (mc *lockedModelCache) register(table, model string) {
	if _, ok := mc.Get(table); ok {
		return
	}
	mc.Set(table, model) // want `runs only when the check found no entry`
}
