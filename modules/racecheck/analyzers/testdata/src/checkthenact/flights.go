package checkthenact

// Shapes from cloudwego/kitex (72ad8a8db57e) that are safe by construction:
// a singleflight group deciding who builds, a memo of a pure function of the
// key's inputs, a Delete-if-present; and their unsafe near-misses.

import (
	"io"
	"reflect"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// balancer: declared with its state at the end of the file.

type balancerFactory struct {
	cache  sync.Map
	sfg    singleflight.Group
	builds int
}

// kitex pkg/loadbalance/lbcache/cache.go: the re-check and the Store run
// inside the group's function for the same key, once per key at a time.
func (b *balancerFactory) get(desc string) *balancer {
	if v, ok := b.cache.Load(desc); ok {
		return v.(*balancer)
	}
	v, _, _ := b.sfg.Do(desc, func() (any, error) {
		if v, ok := b.cache.Load(desc); ok {
			return v.(*balancer), nil
		}
		bl := &balancer{target: desc}
		b.cache.Store(desc, bl)
		return bl, nil
	})
	return v.(*balancer)
}

// A flight for another key does not exclude writers of this one.
func (b *balancerFactory) getOtherFlight(desc, group string) *balancer {
	v, _, _ := b.sfg.Do(group, func() (any, error) {
		if v, ok := b.cache.Load(desc); ok {
			return v.(*balancer), nil
		}
		bl := &balancer{target: desc}
		b.cache.Store(desc, bl) // want `runs only when the check found no entry`
		return bl, nil
	})
	return v.(*balancer)
}

// kitex pkg/loadbalance/consist.go: the value stored is what the group's
// function returned for the key; racing goroutines store equivalent values.
func (b *balancerFactory) picker(desc string) *balancer {
	v, ok := b.cache.Load(desc)
	if !ok {
		v, _, _ = b.sfg.Do(desc, func() (any, error) {
			return &balancer{target: desc}, nil
		})
		b.cache.Store(desc, v)
	}
	return v.(*balancer)
}

// The same with a counter on the insert branch: both racing goroutines
// count a build.
func (b *balancerFactory) pickerCounted(desc string) *balancer {
	v, ok := b.cache.Load(desc)
	if !ok {
		v, _, _ = b.sfg.Do(desc, func() (any, error) {
			return &balancer{target: desc}, nil
		})
		b.cache.Store(desc, v) // want `runs only when the check found no entry`
		b.builds++
	}
	return v.(*balancer)
}

// kitex pkg/remote/codec/thrift/codec.go: a memo of what a type supports,
// keyed by the type and computed from the value the type was taken from.
type typeCodec struct{ fast, frugal bool }

var type2codec sync.Map

func fastAvailable(data any) bool   { _, ok := data.(interface{ FastRead() }); return ok }
func frugalAvailable(data any) bool { _, ok := data.(interface{ Frugal() }); return ok }

func getTypeCodec(data any) typeCodec {
	rt := reflect.TypeOf(data)
	v, ok := type2codec.Load(rt)
	if ok {
		return v.(typeCodec)
	}
	c := typeCodec{fast: fastAvailable(data), frugal: frugalAvailable(data)}
	type2codec.Store(rt, c)
	return c
}

// A value that does not come from the key's inputs is not a memo.
func getTypeCodecFrom(data, other any) typeCodec {
	rt := reflect.TypeOf(data)
	v, ok := type2codec.Load(rt)
	if ok {
		return v.(typeCodec)
	}
	c := typeCodec{fast: fastAvailable(other)}
	type2codec.Store(rt, c) // want `runs only when the check found no entry`
	return c
}

// kitex pkg/remote/trans/ttstream: the loaded value is only compared with
// nil, so deleting the key takes nothing.
type transPool struct{ pool sync.Map }

type muxConns struct{}

func (c *muxConns) close() {}

func (p *transPool) evict(addr string) {
	v, _ := p.pool.Load(addr)
	if v == nil {
		return
	}
	p.pool.Delete(addr)
}

// kitex pkg/remote/trans/netpollmux/mux_pool.go's Clean uses the value
// after taking it: two cleaners close the same connections.
func (p *transPool) clean(addr string) {
	if v, ok := p.pool.Load(addr); ok {
		p.pool.Delete(addr) // want `takes the loaded entry.* use LoadAndDelete`
		v.(*muxConns).close()
	}
}

// A one-time token taken in an endless accept loop whose handlers run
// concurrently elsewhere: the continue of the loop is a guard, not an
// assertion that never returns (the take was missed while every branch
// that only loops counted as aborting).
func (p *transPool) serve(next func() string, handle func(*muxConns)) {
	for {
		token := next()
		v, ok := p.pool.Load(token)
		if !ok {
			continue
		}
		p.pool.Delete(token) // want `takes the loaded entry`
		go handle(v.(*muxConns))
	}
}

// nats-server client.go (pubAllowedFullCheck): a permission cache filled
// with equal values, but the insert branch counts the entry atomically in
// the header of an if; both racing goroutines count it.
type perms struct {
	pcache sync.Map
	pcsz   int32
	deny   map[string]bool
}

func (p *perms) prune() {}

func (p *perms) allowed(subject string) bool {
	if v, ok := p.pcache.Load(subject); ok {
		return v.(bool)
	}
	allowed := true
	if p.deny != nil {
		allowed = !p.deny[subject]
	}
	p.pcache.Store(subject, allowed) // want `although both store the same value, both go on as the one that inserted it`
	if n := atomic.AddInt32(&p.pcsz, 1); n > 1000 {
		p.prune()
	}
	return allowed
}

// smallnest/rpcx server/file_transfer.go's shape: the type switch on the
// taken value comes after the Delete in the same block, so it decides
// nothing about the Delete: the finding is a take, not a stale delete.
func (p *transPool) serveTyped(next func() string, handle func(*muxConns)) {
	for {
		token := next()
		v, ok := p.pool.Load(token)
		if !ok {
			continue
		}
		p.pool.Delete(token) // want `takes the loaded entry`
		switch c := v.(type) {
		case *muxConns:
			handle(c)
		}
	}
}

// apache/dubbo-go before 6f906d082 ("Use LoadOrStore instead", #2862):
// the registry for a URL was created and stored after a missed Load. The
// registry is computed from the key's inputs, but it is a new client each
// time, not an equal copy.
type registry interface{ Subscribe() }

type registryURL struct{ Primitive, Protocol string }

func getRegistry(protocol string, u *registryURL) registry { return nil }

type registryProtocol struct{ registries sync.Map }

func (proto *registryProtocol) getRegistry(u *registryURL) registry {
	cacheKey := u.Primitive
	if reg, ok := proto.registries.Load(cacheKey); ok {
		return reg.(registry)
	}
	reg := getRegistry(u.Protocol, u)
	proto.registries.Store(cacheKey, reg) // want `this Store replaces that value while the other goroutine goes on using it`
	return reg
}

// cloudwego/kitex before 17be90be ("connection pool leak", #1945): the
// check is outside the flight and the Store inside it. Two goroutines
// whose flights do not overlap both find no usable entry, and the second
// stores a new entry over the first, whose connections leak.
type transports struct{ conns []int }

type grpcPool struct {
	conns sync.Map
	sfg   singleflight.Group
}

func (p *grpcPool) get(address string) *transports {
	var trans *transports
	if v, ok := p.conns.Load(address); ok {
		trans = v.(*transports)
		if len(trans.conns) > 0 {
			return trans
		}
	}
	v, _, _ := p.sfg.Do(address, func() (any, error) {
		if trans == nil {
			trans = &transports{}
		}
		trans.conns = append(trans.conns, 1)
		p.conns.Store(address, trans) // want `p.conns.Store\(address\) in the function p.sfg.Do runs on line 239 after p.conns.Load\(address\) on line 233 stores a value computed from the loaded one`
		return trans, nil
	})
	return v.(*transports)
}

// The fix decides inside the flight.
func (p *grpcPool) getFixed(address string) *transports {
	if v, ok := p.conns.Load(address); ok {
		return v.(*transports)
	}
	v, _, _ := p.sfg.Do(address, func() (any, error) {
		if v, ok := p.conns.Load(address); ok {
			return v, nil
		}
		trans := &transports{conns: []int{1}}
		p.conns.Store(address, trans)
		return trans, nil
	})
	return v.(*transports)
}

// Literals run in the function's own goroutine: a deferred literal and one
// called where it is written write after the check as much as a plain
// Store would.
type counters struct{ m sync.Map }

func (c *counters) bumpOnExit(k string) {
	v, ok := c.m.Load(k)
	if !ok {
		return
	}
	defer func() {
		c.m.Store(k, v.(int)+1) // want `c.m.Store\(k\) in the function literal run on line 276 after c.m.Load\(k\) on line 272 stores a value computed from the loaded one`
	}()
}

func (c *counters) initOnce(k string) {
	if _, ok := c.m.Load(k); !ok {
		func() {
			c.m.Store(k, new(int)) // want `in the function literal run on line 283 after c.m.Load\(k\) on line 282 runs only when the check found no entry`
		}()
	}
}

// A deferred literal putting the loaded value back is a save and restore.
func (c *counters) withTemporary(k string, run func()) {
	v, _ := c.m.Load(k)
	c.m.Store(k, 0)
	defer func() { c.m.Store(k, v) }()
	run()
}

// go-zero core/syncx (11f21098ddd9): SingleFlight, an interface with
// x/sync's semantics. ResourceManager.GetResource checks and stores a
// resource inside the flight for its key: flights of one key do not
// overlap, so no two goroutines run the pair at once.
type SingleFlight interface {
	Do(key string, fn func() (any, error)) (any, error)
	DoEx(key string, fn func() (any, error)) (any, bool, error)
}

type resourceManager struct {
	resources    sync.Map
	singleFlight SingleFlight
}

func (m *resourceManager) get(key string, create func() (io.Closer, error)) (any, error) {
	return m.singleFlight.Do(key, func() (any, error) {
		if r, ok := m.resources.Load(key); ok {
			return r, nil
		}
		r, err := create()
		if err != nil {
			return nil, err
		}
		m.resources.Store(key, r)
		return r, nil
	})
}

// The check before the flight: two flights that do not overlap both store,
// and the resource stored first is never closed.
func (m *resourceManager) getOutside(key string, create func() (io.Closer, error)) (any, error) {
	if r, ok := m.resources.Load(key); ok {
		return r, nil
	}
	return m.singleFlight.Do(key, func() (any, error) {
		r, err := create()
		if err != nil {
			return nil, err
		}
		m.resources.Store(key, r) // want `runs only when the check found no entry`
		return r, nil
	})
}

// Flights that do not overlap, storing a value that owns nothing: the
// second flight's value is built as late as the first's, and the entry
// it replaces is lost only as a value (hertz pkg/app/client/loadbalance
// lbcache.go:159 at ae439beef0a5, a target's resolved instances; kitex
// pkg/loadbalance/weighted_balancer.go:81, a picker).
type resolved struct {
	instances []string
	expire    atomic.Int32
	mu        sync.Mutex
}

type resolveCache struct {
	cache sync.Map
	sfg   singleflight.Group
	count atomic.Int64
	n     int
}

func (r *resolveCache) get(target string, resolve func(string) []string) *resolved {
	if v, ok := r.cache.Load(target); ok {
		return v.(*resolved)
	}
	v, _, _ := r.sfg.Do(target, func() (any, error) {
		res := &resolved{instances: resolve(target)}
		res.expire.Store(0) // setting up the new value counts nothing
		r.cache.Store(target, res)
		return res, nil
	})
	return v.(*resolved)
}

// Near-misses: a flight that counts what it stores counts once more for
// each flight, whatever it stores.
func (r *resolveCache) getCounted(target string, resolve func(string) []string) *resolved {
	if v, ok := r.cache.Load(target); ok {
		return v.(*resolved)
	}
	v, _, _ := r.sfg.Do(target, func() (any, error) {
		res := &resolved{instances: resolve(target)}
		r.cache.Store(target, res) // want `runs only when the check found no entry`
		r.count.Add(1)
		return res, nil
	})
	return v.(*resolved)
}

func (r *resolveCache) getCountedPlain(target string, resolve func(string) []string) *resolved {
	if v, ok := r.cache.Load(target); ok {
		return v.(*resolved)
	}
	v, _, _ := r.sfg.Do(target, func() (any, error) {
		res := &resolved{instances: resolve(target)}
		r.cache.Store(target, res) // want `runs only when the check found no entry`
		r.n++
		return res, nil
	})
	return v.(*resolved)
}

// kitex pkg/loadbalance/lbcache/cache.go:129 and hertz lbcache.go:79: a
// balancer factory whose construction starts its watcher goroutine, in
// a constructor of the package or in the flight itself; the one replaced
// watches for ever.
type factory struct{ target string }

func (f *factory) watch() {}

func newFactory(target string) *factory {
	f := &factory{target: target}
	go f.watch()
	return f
}

var (
	factories   sync.Map
	factoriesSF singleflight.Group
)

func getFactory(target string) *factory {
	if v, ok := factories.Load(target); ok {
		return v.(*factory)
	}
	v, _, _ := factoriesSF.Do(target, func() (any, error) {
		f := newFactory(target)
		factories.Store(target, f) // want `runs only when the check found no entry`
		return f, nil
	})
	return v.(*factory)
}

func getFactoryInline(target string) *factory {
	if v, ok := factories.Load(target); ok {
		return v.(*factory)
	}
	v, _, _ := factoriesSF.Do(target, func() (any, error) {
		f := &factory{target: target}
		go f.watch()
		factories.Store(target, f) // want `runs only when the check found no entry`
		return f, nil
	})
	return v.(*factory)
}

// kitex pkg/loadbalance/lbcache/shared_ticker.go:43: a ticker with a stop
// channel, built in another package; kitex pkg/remote/trans/nphttp2
// conn_pool.go (before #1945): transports closed by an unexported method.
type sharedTicker struct {
	tasks map[string]struct{}
	stop  chan struct{}
}

type grpcTransports struct{ conns []int }

func (t *grpcTransports) close() {}

var (
	tickers          sync.Map
	transportsByAddr sync.Map
	tickerSF         singleflight.Group
)

func getTicker(every string) *sharedTicker {
	if v, ok := tickers.Load(every); ok {
		return v.(*sharedTicker)
	}
	v, _, _ := tickerSF.Do(every, func() (any, error) {
		t := &sharedTicker{tasks: map[string]struct{}{}, stop: make(chan struct{})}
		tickers.Store(every, t) // want `runs only when the check found no entry`
		return t, nil
	})
	return v.(*sharedTicker)
}

func getTransports(address string) *grpcTransports {
	if v, ok := transportsByAddr.Load(address); ok {
		return v.(*grpcTransports)
	}
	v, _, _ := tickerSF.Do(address, func() (any, error) {
		t := &grpcTransports{}
		transportsByAddr.Store(address, t) // want `runs only when the check found no entry`
		return t, nil
	})
	return v.(*grpcTransports)
}

// kubevirt pkg/virt-handler/launcher-clients at 7f5e557408 (the fix of
// kubevirt#17798): the flight's key is the VMI's UID converted to string,
// which names the same VMI as the UID the map is keyed by.
type vmiUID string

type launcherClient struct{ socket string }

func (c *launcherClient) Close() {}

type launcherClients struct {
	clients sync.Map // vmiUID -> *launcherClient
	group   singleflight.Group
}

func (l *launcherClients) get(uid vmiUID) *launcherClient {
	if v, ok := l.clients.Load(uid); ok {
		return v.(*launcherClient)
	}
	v, _, _ := l.group.Do(string(uid), func() (any, error) {
		if v, ok := l.clients.Load(uid); ok {
			return v.(*launcherClient), nil
		}
		c := &launcherClient{socket: string(uid)}
		l.clients.Store(uid, c)
		return c, nil
	})
	return v.(*launcherClient)
}

// Near-miss: a flight keyed by something that does not determine the map's
// key (the socket directory shared by many VMIs) lets two flights for one
// UID run at once.
func (l *launcherClients) getByDir(uid vmiUID, dir string) *launcherClient {
	v, _, _ := l.group.Do(dir, func() (any, error) {
		if v, ok := l.clients.Load(uid); ok {
			return v.(*launcherClient), nil
		}
		c := &launcherClient{socket: dir + string(uid)}
		l.clients.Store(uid, c) // want `runs only when the check found no entry`
		return c, nil
	})
	return v.(*launcherClient)
}

// A balancer holds state of its own besides its target (kitex's its picker
// and instances): a new one has identity.
type balancer struct {
	target string
	picks  int
}
