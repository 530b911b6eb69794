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

// A keyed lock whose methods carry a suffix, LockUser and UnlockUser, is
// a keyed lock as LockKey is: the ledger's update under the user's lock is
// atomic (the second textbook set's q18 fix, reported before 7 December).
type userLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (u *userLocks) LockUser(user string) {
	u.mu.Lock()
	l, ok := u.locks[user]
	if !ok {
		l = &sync.Mutex{}
		u.locks[user] = l
	}
	u.mu.Unlock()
	l.Lock()
}

func (u *userLocks) UnlockUser(user string) {
	u.mu.Lock()
	l := u.locks[user]
	u.mu.Unlock()
	l.Unlock()
}

type userLedger struct {
	locks    *userLocks
	balances sync.Map
}

func (l *userLedger) Add(user string, delta int64) {
	l.locks.LockUser(user)
	defer l.locks.UnlockUser(user)
	var cur int64
	if v, ok := l.balances.Load(user); ok {
		cur = v.(int64)
	}
	l.balances.Store(user, cur+delta)
}

// Under another user's lock it is a lost update.
func (l *userLedger) addUnderOther(user, other string, delta int64) {
	l.locks.LockUser(other)
	defer l.locks.UnlockUser(other)
	var cur int64
	if v, ok := l.balances.Load(user); ok {
		cur = v.(int64)
	}
	l.balances.Store(user, cur+delta) // want `l.balances.Store\(user\) after l.balances.Load\(user\) on line \d+ stores a value computed from the loaded one`
}
