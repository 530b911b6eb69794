package checkthenact

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// netbirdio/netbird management/internals/shared/grpc/proxy.go at 77a0992dc
// (fixed in 97db82492, #6063 "fix proxy reconnect"): a proxy's stream
// registers its connection under the proxy's ID and deletes the ID when
// the stream ends, or when registering in the database fails. A proxy that
// reconnects stores its new connection under the same ID first; the old
// stream's cleanup then deletes the new connection's entry, and the live
// proxy is gone from the map.
type proxyRequest struct{ id string }

func (r *proxyRequest) GetProxyId() string { return r.id }

type proxyConnection struct {
	proxyID string
	cancel  context.CancelFunc
}

type proxyServer struct {
	connectedProxies sync.Map
	nextStream       atomic.Uint64
}

func (s *proxyServer) connect(ctx context.Context) error { return ctx.Err() }

func (s *proxyServer) serve(ctx context.Context) error { <-ctx.Done(); return nil }

func (s *proxyServer) GetMappingUpdate(ctx context.Context, req *proxyRequest) error {
	proxyID := req.GetProxyId()
	if proxyID == "" {
		return errors.New("proxy_id is required")
	}
	connCtx, cancel := context.WithCancel(ctx)
	conn := &proxyConnection{proxyID: proxyID, cancel: cancel}
	s.connectedProxies.Store(proxyID, conn)
	if err := s.connect(connCtx); err != nil {
		// The same race, but an error path's delete right after the
		// store is left alone (see ownentry.go).
		s.connectedProxies.Delete(proxyID)
		return err
	}
	defer func() {
		s.connectedProxies.Delete(proxyID) // want `s.connectedProxies.Delete\(proxyID\) removes whatever proxyID maps to by now: this function stored its own conn under it \(ownentry.go:42\), and when another goroutine stored proxyID again in between \(the same client once more\), this deletes that goroutine's entry; use s.connectedProxies.CompareAndDelete\(proxyID, conn\)`
		cancel()
	}()
	return s.serve(connCtx)
}

// The fix: each stream deletes only its own connection.
func (s *proxyServer) GetMappingUpdateFixed(ctx context.Context, req *proxyRequest) error {
	proxyID := req.GetProxyId()
	connCtx, cancel := context.WithCancel(ctx)
	conn := &proxyConnection{proxyID: proxyID, cancel: cancel}
	s.connectedProxies.Store(proxyID, conn)
	defer func() {
		s.connectedProxies.CompareAndDelete(proxyID, conn)
		cancel()
	}()
	return s.serve(connCtx)
}

// Near-miss: a key the function makes itself is its own; no other
// goroutine stores it.
func (s *proxyServer) ServeStream(ctx context.Context) error {
	id := s.nextStream.Add(1)
	conn := &proxyConnection{}
	s.connectedProxies.Store(id, conn)
	defer s.connectedProxies.Delete(id)
	return s.serve(ctx)
}

// The deferred delete looks at the entry first: not this rule's, but a
// check and a delete that are not atomic, which the stale-delete rule
// reports.
func (s *proxyServer) Unregister(ctx context.Context, req *proxyRequest) error {
	conn := &proxyConnection{proxyID: req.id}
	s.connectedProxies.Store(req.id, conn)
	defer func() {
		if cur, ok := s.connectedProxies.Load(req.id); ok && cur == conn {
			s.connectedProxies.Delete(req.id) // want `is decided by the loaded value, but is not atomic with it`
		}
	}()
	return s.serve(ctx)
}

// One diagnostic per delete, however many stores come before it.
func (s *proxyServer) Reattach(ctx context.Context, req *proxyRequest) error {
	conn := &proxyConnection{proxyID: req.id}
	s.connectedProxies.Store(req.id, conn)
	defer s.connectedProxies.Delete(req.id) // want `removes whatever req.id maps to by now`
	if err := s.serve(ctx); err != nil {
		return err
	}
	s.connectedProxies.Store(req.id, conn)
	return s.serve(ctx)
}

// A direct defer of the delete is the same.
func (s *proxyServer) Attach(ctx context.Context, req *proxyRequest) error {
	conn := &proxyConnection{proxyID: req.id}
	s.connectedProxies.Store(req.id, conn)
	defer s.connectedProxies.Delete(req.id) // want `removes whatever req.id maps to by now`
	return s.serve(ctx)
}

// Near-miss: the value is not an object the function made (a count).
func (s *proxyServer) Count(ctx context.Context, req *proxyRequest, n int) error {
	s.connectedProxies.Store(req.id, n)
	defer s.connectedProxies.Delete(req.id)
	return s.serve(ctx)
}

// Near-miss: a map of the function's own.
func GetMappingUpdateLocal(ctx context.Context, req *proxyRequest) {
	var mine sync.Map
	conn := &proxyConnection{proxyID: req.id}
	mine.Store(req.id, conn)
	defer mine.Delete(req.id)
}

// openziti/sdk-golang ziti/ziti.go at 1180829 (fixed in baaaa95, #717 "Fix
// ER connection race condition leak"): a router connection's close
// handler removes the connection by its key. When a duplicate connection
// to the same router was stored under the key meanwhile, the old one's
// close removes the live one, which leaks. The map is a generic concurrent
// map whose values are the connections.
type RouterConn interface {
	Key() string
	IsClosed() bool
}

type connMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *connMap[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *connMap[K, V]) Set(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
}

func (c *connMap[K, V]) Remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// RemoveCb removes k when remove, handed the value, says so.
func (c *connMap[K, V]) RemoveCb(k K, remove func(v V, exists bool) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	if remove(v, ok) {
		delete(c.m, k)
	}
}

type zitiContext struct {
	routerConnections connMap[string, RouterConn]
	sessions          connMap[string, zitiSession]
}

func (context *zitiContext) OnClose(routerConn RouterConn) {
	context.routerConnections.Remove(routerConn.Key()) // want `context.routerConnections.Remove\(routerConn.Key\(\)\) removes whatever routerConn.Key\(\) maps to by now, which may no longer be routerConn: when another goroutine stored a newer value under the key since, this removes it; remove the entry only while it is routerConn`
}

// The fix.
func (context *zitiContext) OnCloseFixed(routerConn RouterConn) {
	context.routerConnections.RemoveCb(routerConn.Key(), func(v RouterConn, exists bool) bool {
		return exists && v == routerConn
	})
}

// Near-miss: a condition on the handed connection decides the delete (a
// close that was taken over leaves the entry alone).
func (context *zitiContext) OnCloseUnlessReplaced(routerConn RouterConn) {
	if !routerConn.IsClosed() {
		context.routerConnections.Remove(routerConn.Key())
	}
}

// Near-miss: the handed value is a copy, a struct (an acknowledgement
// naming the entry by ID), not the stored object.
type zitiSession struct{ id string }

func (context *zitiContext) Ack(s zitiSession) {
	context.sessions.Remove(s.id)
}

// Near-miss: the key itself is handed; nothing says the entry was the
// caller's.
func (context *zitiContext) RemoveByKey(key string) {
	context.routerConnections.Remove(key)
}
