package checkthenact

// A Delete decided by a CompareAndSwap on the loaded entry: the swap lets
// one goroutine through per entry, and when the map's only insert is
// LoadOrStore, which never replaces an entry that is there, the entry at
// the key is still the one loaded when the winner deletes it. From
// asynkron/protoactor-go's endpoint manager (remote/endpoint_manager.go:252
// at 3b4a0ce) and ergo-services/ergo's ApplicationUnload (node/node.go:1095
// at f5ff7ed), both false alarms; with near-misses.

import (
	"sync"
	"sync/atomic"
)

type endpointLazy struct {
	unloaded atomic.Bool
}

type lazyEndpoints struct {
	connections *sync.Map
}

func newLazyEndpoints() *lazyEndpoints {
	return &lazyEndpoints{connections: &sync.Map{}}
}

// stop drops the map: nothing is stored by a reset to nil.
func (em *lazyEndpoints) stop() {
	em.connections = nil
}

func (em *lazyEndpoints) ensure(address string) *endpointLazy {
	e, _ := em.connections.LoadOrStore(address, &endpointLazy{})
	return e.(*endpointLazy)
}

func (em *lazyEndpoints) removeEndpoint(address string) {
	v, ok := em.connections.Load(address)
	if ok {
		le := v.(*endpointLazy)
		if le.unloaded.CompareAndSwap(false, true) {
			em.connections.Delete(address)
		}
	}
}

// The claim through a method of the entry whose body is the swap.
type application struct {
	state int32
}

func (a *application) tryUnload() bool {
	return atomic.CompareAndSwapInt32(&a.state, 1, 0)
}

type appNode struct {
	applications sync.Map
}

func (n *appNode) load(name string, a *application) bool {
	_, exist := n.applications.LoadOrStore(name, a)
	return !exist
}

func (n *appNode) unload(name string) bool {
	v, exist := n.applications.Load(name)
	if !exist {
		return false
	}
	app := v.(*application)
	if unloaded := app.tryUnload(); unloaded == false {
		return false
	}
	n.applications.Delete(name)
	return true
}

// The same with the swap's outcome tested in place.
type appRegistry struct {
	apps sync.Map
}

func (r *appRegistry) load(name string, a *application) {
	r.apps.LoadOrStore(name, a)
}

func (r *appRegistry) unload(name string) {
	v, exist := r.apps.Load(name)
	if !exist || !v.(*application).tryUnload() {
		return
	}
	r.apps.Delete(name)
}

// Near-miss: the map is also written with Store, which replaces the
// claimed entry with a fresh one that the winner's Delete then removes.
type replacedLazies struct {
	connections sync.Map
}

func (r *replacedLazies) reset(address string) {
	r.connections.Store(address, &endpointLazy{})
}

func (r *replacedLazies) remove(address string) {
	v, ok := r.connections.Load(address)
	if ok {
		le := v.(*endpointLazy)
		if le.unloaded.CompareAndSwap(false, true) {
			r.connections.Delete(address) // want `r.connections.Delete\(address\) after r.connections.Load\(address\) on line \d+ is decided by the loaded value`
		}
	}
}

// Near-miss: a plain load of the flag is no claim; two goroutines both
// see it unset.
type testedLazies struct {
	connections sync.Map
}

func (t *testedLazies) add(address string) {
	t.connections.LoadOrStore(address, &endpointLazy{})
}

func (t *testedLazies) remove(address string) {
	v, ok := t.connections.Load(address)
	if ok {
		le := v.(*endpointLazy)
		if !le.unloaded.Load() {
			t.connections.Delete(address) // want `t.connections.Delete\(address\) after t.connections.Load\(address\) on line \d+ is decided by the loaded value`
		}
	}
}

// Near-miss: the swap runs when the delete does not (the claim is taken
// on the other branch).
type invertedClaim struct {
	connections sync.Map
}

func (i *invertedClaim) add(address string) {
	i.connections.LoadOrStore(address, &endpointLazy{})
}

func (i *invertedClaim) remove(address string) {
	v, ok := i.connections.Load(address)
	if ok {
		le := v.(*endpointLazy)
		if le.unloaded.CompareAndSwap(false, true) {
			return
		}
		i.connections.Delete(address) // want `i.connections.Delete\(address\) after i.connections.Load\(address\) on line \d+ is decided by the loaded value`
	}
}

// Near-miss: a method of the entry that only reads its state claims
// nothing.
func (a *application) loaded() bool {
	return atomic.LoadInt32(&a.state) == 1
}

type readNode struct {
	applications sync.Map
}

func (n *readNode) load(name string, a *application) {
	n.applications.LoadOrStore(name, a)
}

func (n *readNode) unload(name string) {
	v, exist := n.applications.Load(name)
	if !exist {
		return
	}
	if !v.(*application).loaded() {
		return
	}
	n.applications.Delete(name) // want `n.applications.Delete\(name\) after n.applications.Load\(name\) on line \d+ is decided by the loaded value`
}
