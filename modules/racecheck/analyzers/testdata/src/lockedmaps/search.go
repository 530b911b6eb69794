package lockedmaps

import (
	"sync"
	"unsafe"
)

// olebedev/go-duktape duktape.go at 21cae7c (fixed in c7a9fe9,
// go-duktape#36): add looks for the context among the index's values
// under RLock, releases it, allocates a handle and stores the context
// under Lock; two goroutines adding one context both find nothing and
// both store it, under two handles, one of which is never freed.
type duktapeContext struct{ name string }

type ctxIndex struct {
	sync.RWMutex
	ctxs map[unsafe.Pointer]*duktapeContext
}

func newHandle() unsafe.Pointer { return unsafe.Pointer(new(byte)) }

func (ci *ctxIndex) add(ctx *duktapeContext) unsafe.Pointer {
	ci.RLock()
	for ptr, ctxPtr := range ci.ctxs {
		if ctxPtr == ctx {
			ci.RUnlock()
			return ptr
		}
	}
	ci.RUnlock()

	ptr := newHandle()

	ci.Lock()
	ci.ctxs[ptr] = ctx // want `ci.ctxs\[ptr\] = ctx after the search of ci.ctxs for it on line 24 found nothing, but is not atomic with it: another goroutine can insert ctx in between, and ci.ctxs holds it twice, under two keys; use one lock held across the search and the insert`
	ci.Unlock()

	return ptr
}

// The fix: search again under the write lock.
func (ci *ctxIndex) addFixed(ctx *duktapeContext) unsafe.Pointer {
	ci.RLock()
	for ptr, ctxPtr := range ci.ctxs {
		if ctxPtr == ctx {
			ci.RUnlock()
			return ptr
		}
	}
	ci.RUnlock()

	ci.Lock()
	defer ci.Unlock()
	for ptr, ctxPtr := range ci.ctxs {
		if ctxPtr == ctx {
			return ptr
		}
	}
	ptr := newHandle()
	ci.ctxs[ptr] = ctx
	return ptr
}

// Near-miss: one critical section for the search and the insert.
func (ci *ctxIndex) addHeld(ctx *duktapeContext) unsafe.Pointer {
	ci.Lock()
	for ptr, ctxPtr := range ci.ctxs {
		if ctxPtr == ctx {
			ci.Unlock()
			return ptr
		}
	}
	ptr := newHandle()
	ci.ctxs[ptr] = ctx
	ci.Unlock()
	return ptr
}

// Near-miss: what is stored is not what the search looked for.
func (ci *ctxIndex) replace(old, ctx *duktapeContext) {
	ci.RLock()
	for _, ctxPtr := range ci.ctxs {
		if ctxPtr == old {
			ci.RUnlock()
			return
		}
	}
	ci.RUnlock()
	ci.Lock()
	ci.ctxs[newHandle()] = ctx
	ci.Unlock()
}
