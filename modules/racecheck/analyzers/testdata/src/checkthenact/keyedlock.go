package checkthenact

import "sync"

// A keyed lock: Lock(key) and Unlock(key) on a type that has both, as
// grafana/grafana-plugin-sdk-go's instance manager's locker. Held for the
// key, it makes a check and a store of that key atomic; for another key,
// it does not.
type keyLocker struct {
	mu    sync.Mutex
	locks map[any]*sync.Mutex
}

func (l *keyLocker) Lock(key any) {
	l.mu.Lock()
	m, ok := l.locks[key]
	if !ok {
		m = &sync.Mutex{}
		l.locks[key] = m
	}
	l.mu.Unlock()
	m.Lock()
}

func (l *keyLocker) Unlock(key any) {
	l.mu.Lock()
	m := l.locks[key]
	l.mu.Unlock()
	m.Unlock()
}

type instance struct{ version int }

type instanceManager struct {
	locker *keyLocker
	cache  sync.Map
}

// grafana-plugin-sdk-go backend/instancemgmt/instance_manager.go at
// 0d4db389: the check and the store under the key's lock are atomic.
func (im *instanceManager) Get(key string, version int) *instance {
	if v, ok := im.cache.Load(key); ok && v.(*instance).version == version {
		return v.(*instance)
	}
	im.locker.Lock(key)
	defer im.locker.Unlock(key)
	if v, ok := im.cache.Load(key); ok && v.(*instance).version == version {
		return v.(*instance)
	}
	inst := &instance{version: version}
	im.cache.Store(key, inst)
	return inst
}

// The lock of another key protects nothing here.
func (im *instanceManager) getUnderOtherKey(key, other string, version int) *instance {
	im.locker.Lock(other)
	defer im.locker.Unlock(other)
	if v, ok := im.cache.Load(key); ok && v.(*instance).version == version {
		return v.(*instance)
	}
	inst := &instance{version: version}
	im.cache.Store(key, inst) // want `im.cache.Store\(key\) after im.cache.Load\(key\) on line 59`
	return inst
}

// keyMutex is k8s.io/utils/keymutex's KeyMutex: LockKey(id) and
// UnlockKey(id) error.
type keyMutex interface {
	LockKey(id string)
	UnlockKey(id string) error
}

type schedPeer struct{ id string }

type peerManager struct {
	mu    keyMutex
	peers sync.Map
}

// dragonfly scheduler/resource/standard/peer_manager.go at 66db4564:
// Delete holds the key's lock across the Load and the Delete, as every
// other write of the map does.
func (p *peerManager) Delete(key string) {
	p.mu.LockKey(key)
	defer p.mu.UnlockKey(key) // nolint: errcheck
	if v, loaded := p.peers.Load(key); loaded {
		p.peers.Delete(key)
		v.(*schedPeer).release()
	}
}

func (p *schedPeer) release() {}

// Under another key's lock the pair is as open as with none.
func (p *peerManager) deleteUnderOtherKey(key, other string) {
	p.mu.LockKey(other)
	defer p.mu.UnlockKey(other) // nolint: errcheck
	if v, loaded := p.peers.Load(key); loaded {
		p.peers.Delete(key) // want `p.peers.Delete\(key\) after p.peers.Load\(key\) on line 99`
		v.(*schedPeer).release()
	}
}
