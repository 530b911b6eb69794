// Package seqtests holds tests and test helpers that start no goroutine,
// whose check-then-act is one goroutine's and is not reported, next to a
// test that starts one and the package's own code, which still are.
package seqtests

import "sync"

// networkservicemesh/sdk pkg/tools/clientmap/refcount.go (after 10803078):
// a reference-counted map whose Delete decrements the count found by Load
// and deletes at zero; a Store in between replaces the entry, and this
// Delete removes the new one.
type refcounted struct {
	count  int
	client any
}

type RefcountMap struct {
	mu sync.Mutex
	m  sync.Map
}

func (r *RefcountMap) Store(key string, client any) {
	r.m.Store(key, &refcounted{count: 1, client: client})
}

func (r *RefcountMap) Load(key string) (any, bool) {
	v, ok := r.m.Load(key)
	if !ok {
		return nil, false
	}
	rc := v.(*refcounted)
	r.mu.Lock()
	rc.count++
	r.mu.Unlock()
	return rc.client, true
}

func (r *RefcountMap) Delete(key string) {
	v, ok := r.m.Load(key)
	if !ok {
		return
	}
	rc := v.(*refcounted)
	r.mu.Lock()
	rc.count--
	last := rc.count == 0
	r.mu.Unlock()
	if last {
		r.m.Delete(key) // want `r.m.Delete\(key\) after r.m.Load\(key\) on line 39 is decided by the loaded value`
	}
}
