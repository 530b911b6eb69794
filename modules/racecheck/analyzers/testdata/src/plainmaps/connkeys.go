package plainmaps

import (
	"strconv"
	"sync"
)

// Keys a called function computes from its parameter. A write the callee
// makes under the same expression of the argument the caller checked is a
// write of the checked key (hazelcast/hazelcast-go-client#76, reported by
// default: testdata/src/lockedmaps/sendsfresh.go); these are not.
type memberAddress struct {
	host string
	port int
}

func (a *memberAddress) Host() string { return a.host }
func (a *memberAddress) Port() int    { return a.port }

type connManager struct {
	lock        sync.RWMutex
	connections map[string]*memberAddress
}

// The callee keys the map by another expression of the same parameter, so
// the check is not of the key it writes.
func (m *connManager) connectByHost(address *memberAddress) {
	m.lock.RLock()
	_, found := m.connections[address.Host()+":"+strconv.Itoa(address.Port())]
	m.lock.RUnlock()
	if !found {
		m.openByHost(address)
	}
}

func (m *connManager) openByHost(address *memberAddress) {
	m.lock.Lock()
	defer m.lock.Unlock()
	m.connections[address.Host()] = &memberAddress{host: address.host}
}

// A key that a call makes anew each time is no key the check and the
// callee share, however alike they are written.
func (m *connManager) connectFresh(address *memberAddress) {
	m.lock.RLock()
	_, found := m.connections[newConnKey(address)]
	m.lock.RUnlock()
	if !found {
		m.openFresh(address)
	}
}

func newConnKey(a *memberAddress) string { return a.host + strconv.Itoa(a.port) }

func (m *connManager) openFresh(address *memberAddress) {
	m.lock.Lock()
	defer m.lock.Unlock()
	m.connections[newConnKey(address)] = &memberAddress{host: address.host}
}

// The callee's key reads a local of its own that the caller's key names
// too: the same text, another value.
func (m *connManager) connectZone(address *memberAddress, zone string) {
	m.lock.RLock()
	_, found := m.connections[zone+address.Host()]
	m.lock.RUnlock()
	if !found {
		m.openInZone(address)
	}
}

func (m *connManager) openInZone(address *memberAddress) {
	zone := strconv.Itoa(address.port)
	m.lock.Lock()
	defer m.lock.Unlock()
	m.connections[zone+address.Host()] = &memberAddress{host: address.host}
}
