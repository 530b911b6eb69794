package checkthenact

// A sync.Pool per key: douyu/jupiter pkg/cache/xfreecache/v2
// (encode_bench_test.go at c41ec709f260, a pool per message type).

import (
	"reflect"
	"sync"
)

var pools sync.Map // type name -> *sync.Pool

// Two racing first calls each make a pool and one is overwritten. A pool
// may drop anything put in it at any time, so losing one loses nothing a
// pool promises to keep.
func poolFor(t reflect.Type) *sync.Pool {
	if p, ok := pools.Load(t.String()); ok {
		return p.(*sync.Pool)
	}
	p := &sync.Pool{New: func() any { return reflect.New(t).Interface() }}
	pools.Store(t.String(), p)
	return p
}

// Near-misses: counting the pools made (both racing goroutines count), and
// a mutex per key, which is shared state by its nature.
var poolsMade int

func poolCounted(t reflect.Type) *sync.Pool {
	if p, ok := pools.Load(t.String()); ok {
		return p.(*sync.Pool)
	}
	p := &sync.Pool{New: func() any { return reflect.New(t).Interface() }}
	pools.Store(t.String(), p) // want `runs only when the check found no entry`
	poolsMade++
	return p
}

var typeLocks sync.Map // type name -> *sync.Mutex

func typeLockFor(t reflect.Type) *sync.Mutex {
	if m, ok := typeLocks.Load(t.String()); ok {
		return m.(*sync.Mutex)
	}
	m := &sync.Mutex{}
	typeLocks.Store(t.String(), m) // want `runs only when the check found no entry`
	return m
}
