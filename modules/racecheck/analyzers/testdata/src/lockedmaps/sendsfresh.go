package lockedmaps

import (
	"strconv"
	"sync"
)

// hazelcast/hazelcast-go-client internal/connection_manager.go at 04695bee
// (fixed in b2ffd8f5, hazelcast-go-client#76): GetOrConnect looked the
// member up under the read lock in a goroutine, released it and called
// openNewConnection, which made a connection, stored it under the write
// lock and sent it on the channel GetOrConnect's caller waits on. Two
// callers for one member both connect; each gets its own connection, and
// the map keeps the second.
type member struct {
	host string
	port int
}

func (m *member) Host() string { return m.host }
func (m *member) Port() int    { return m.port }

type memberConnection struct {
	to *member
	id int64
}

func newMemberConnection(to *member, id int64) *memberConnection {
	return &memberConnection{to: to, id: id}
}

type memberConns struct {
	lock   sync.RWMutex
	conns  map[string]*memberConnection
	nextID int64
}

func (mc *memberConns) GetOrConnect(to *member) chan *memberConnection {
	ch := make(chan *memberConnection, 1)
	go func() {
		mc.lock.RLock()
		if conn, found := mc.conns[to.Host()+":"+strconv.Itoa(to.Port())]; found {
			mc.lock.RUnlock()
			ch <- conn
			return
		}
		mc.lock.RUnlock()
		mc.openNewConnection(to, ch) // want `mc.openNewConnection\(to, ch\), which makes mc.conns\[to.Host\(\) \+ ":" \+ strconv.Itoa\(to.Port\(\)\)\] = … under mc.lock through openNewConnection \(sendsfresh.go:\d+\), after mc.conns\[to.Host\(\) \+ ":" \+ strconv.Itoa\(to.Port\(\)\)\] on line \d+ runs only when the check found no entry`
	}()
	return ch
}

func (mc *memberConns) openNewConnection(to *member, resp chan *memberConnection) {
	mc.lock.Lock()
	defer mc.lock.Unlock()
	mc.nextID++
	conn := newMemberConnection(to, mc.nextID)
	mc.conns[to.Host()+":"+strconv.Itoa(to.Port())] = conn
	resp <- conn
}

// Near-miss: a helper that stores what it is handed and sends it on makes
// nothing new; two callers hand on what they each had (left to
// -plainmaps).
func (mc *memberConns) relay(to *member, conn *memberConnection) chan *memberConnection {
	ch := make(chan *memberConnection, 1)
	mc.lock.RLock()
	_, found := mc.conns[to.host]
	mc.lock.RUnlock()
	if !found {
		mc.storeAndSend(to.host, conn, ch)
	}
	return ch
}

func (mc *memberConns) storeAndSend(key string, conn *memberConnection, resp chan *memberConnection) {
	mc.lock.Lock()
	defer mc.lock.Unlock()
	stored := conn
	mc.conns[key] = stored
	resp <- stored
}

// Near-miss: a helper that makes the object and sends it on a channel of
// its own hands it to no caller (left to -plainmaps).
func (mc *memberConns) warm(to *member) {
	mc.lock.RLock()
	_, found := mc.conns[to.host]
	mc.lock.RUnlock()
	if !found {
		mc.openAndPublish(to.host, to)
	}
}

var published = make(chan *memberConnection, 16)

func (mc *memberConns) openAndPublish(key string, to *member) {
	mc.lock.Lock()
	defer mc.lock.Unlock()
	conn := newMemberConnection(to, 0)
	mc.conns[key] = conn
	published <- conn
}
