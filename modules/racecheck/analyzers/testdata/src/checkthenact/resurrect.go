package checkthenact

// An insert-if-absent claim that runs only when the check found the key:
// the code means to update an entry it knows is there, but the entry may
// have been deleted since, and the claim inserts it again.

import "sync"

// Seagate/cloudfuse component/file_cache/lru_policy.go at bd8bf6e1^ (fixed
// in bd8bf6e1, "Prevent async validate calls from resurrecting deleted
// nodes", cloudfuse#913): the validate loop re-checks that a file is still
// cached, then calls cacheValidate, whose LoadOrStore creates a node when
// none is there. A purge between the two brings the deleted file's node
// back, linked into the LRU with no file behind it.
type lruNode struct {
	name string
	prev *lruNode
}

type lruPolicy struct {
	sync.Mutex
	nodeMap      sync.Map
	validateChan chan string
}

func (p *lruPolicy) CacheValid(name string) {
	_, found := p.nodeMap.Load(name)
	if !found {
		p.cacheValidate(name) // the absent branch: creating is meant
	} else {
		p.validateChan <- name
	}
}

func (p *lruPolicy) asyncCacheValid() {
	for name := range p.validateChan {
		_, found := p.nodeMap.Load(name)
		if found {
			p.cacheValidate(name) // want `p.cacheValidate\(name\), which calls p.nodeMap.LoadOrStore\(name\) through cacheValidate \(resurrect.go:\d+\), after p.nodeMap.Load\(name\) on line 37 runs only when the check found an entry, but is not atomic with it: another goroutine can delete name in between, and this LoadOrStore inserts it again; use a Load that goes on only when it finds the entry in cacheValidate`
		}
	}
}

func (p *lruPolicy) cacheValidate(name string) {
	val, _ := p.nodeMap.LoadOrStore(name, &lruNode{name: name})
	node := val.(*lruNode)
	p.Lock()
	defer p.Unlock()
	node.prev = nil
}

func (p *lruPolicy) removeNode(name string) {
	p.nodeMap.Delete(name)
}

// The fix: the callee is told not to create, and loads instead.
func (p *lruPolicy) asyncCacheValidFixed() {
	for name := range p.validateChan {
		p.cacheValidateFixed(name, false)
	}
}

func (p *lruPolicy) cacheValidateFixed(name string, create bool) {
	var val any
	if create {
		val, _ = p.nodeMap.LoadOrStore(name, &lruNode{name: name})
	} else {
		var found bool
		if val, found = p.nodeMap.Load(name); !found {
			return
		}
	}
	p.Lock()
	defer p.Unlock()
	val.(*lruNode).prev = nil
}

// The same in one function.
func (p *lruPolicy) touch(name string) {
	if _, ok := p.nodeMap.Load(name); ok {
		p.nodeMap.LoadOrStore(name, &lruNode{name: name}) // want `p.nodeMap.LoadOrStore\(name\) after p.nodeMap.Load\(name\) on line 80 runs only when the check found an entry, but is not atomic with it: another goroutine can delete name in between, and this LoadOrStore inserts it again; use a Load that goes on only when it finds the entry`
	}
}

// Near-miss: entries of this map are never deleted, so nothing comes back.
type serviceSet struct {
	services sync.Map
}

func (r *serviceSet) refresh(name string) {
	if _, ok := r.services.Load(name); ok {
		r.ensure(name)
	}
}

func (r *serviceSet) ensure(name string) {
	r.services.LoadOrStore(name, &lruNode{name: name})
}

// Near-miss: the claim on the absent branch is the atomic get-or-create.
func (p *lruPolicy) create(name string) *lruNode {
	if v, ok := p.nodeMap.Load(name); ok {
		return v.(*lruNode)
	}
	v, _ := p.nodeMap.LoadOrStore(name, &lruNode{name: name})
	return v.(*lruNode)
}

// Near-miss: a claim decided by the loaded value (CompareAndSwap) fails
// when the entry went away.
func (p *lruPolicy) replace(name string, n *lruNode) {
	if old, ok := p.nodeMap.Load(name); ok {
		p.nodeMap.CompareAndSwap(name, old, n)
	}
}

// Near-miss: a claim of another key.
func (p *lruPolicy) parent(name, dir string) {
	if _, ok := p.nodeMap.Load(name); ok {
		p.nodeMap.LoadOrStore(dir, &lruNode{name: dir})
	}
}
