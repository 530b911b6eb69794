package plainmaps

import (
	"strconv"
	"sync"
)

// hazelcast/hazelcast-go-client internal/connection_manager.go at 04695bee
// (fixed in b2ffd8f5, hazelcast-go-client#76): GetOrConnect looked the
// address up under the read lock, released it and called
// openNewConnection, which stored a new connection under the write lock,
// keyed by the same expression of its parameter. Two callers for one
// address both connect, and the first connection is replaced.
type memberAddress struct {
	host string
	port int
}

func (a *memberAddress) Host() string { return a.host }
func (a *memberAddress) Port() int    { return a.port }

type memberConn struct {
	addr *memberAddress
	id   int64
}

type connManager struct {
	lock        sync.RWMutex
	connections map[string]*memberConn
	nextID      int64
}

func (m *connManager) GetOrConnect(address *memberAddress) chan *memberConn {
	ch := make(chan *memberConn, 1)
	go func() {
		m.lock.RLock()
		if conn, found := m.connections[address.Host()+":"+strconv.Itoa(address.Port())]; found {
			m.lock.RUnlock()
			ch <- conn
			return
		}
		m.lock.RUnlock()
		m.openNewConnection(address, ch) // want `m.openNewConnection\(address, ch\), which makes m.connections\[address.Host\(\) \+ ":" \+ strconv.Itoa\(address.Port\(\)\)\] = … under m.lock through openNewConnection \(connkeys.go:\d+\), after m.connections\[address.Host\(\) \+ ":" \+ strconv.Itoa\(address.Port\(\)\)\] on line \d+ runs only when the check found no entry`
	}()
	return ch
}

func (m *connManager) openNewConnection(address *memberAddress, resp chan *memberConn) {
	m.lock.Lock()
	defer m.lock.Unlock()
	m.nextID++
	conn := &memberConn{addr: address, id: m.nextID}
	m.connections[address.Host()+":"+strconv.Itoa(address.Port())] = conn
	resp <- conn
}

// Near-miss: the callee keys the map by another expression of the same
// parameter, so the check is not of the key it writes.
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
	m.connections[address.Host()] = &memberConn{addr: address}
}

// Near-miss: a key that a call makes anew each time is no key the check
// and the callee share, however alike they are written.
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
	m.connections[newConnKey(address)] = &memberConn{addr: address}
}
