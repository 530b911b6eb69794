package lazyglobals

import (
	"errors"
	"sync"
)

// Double-checked locking without the second check.

type producer struct{ broker string }

func (p *producer) Close() {}

func newProducer(broker string) (*producer, error) {
	if broker == "" {
		return nil, errors.New("no broker")
	}
	return &producer{broker: broker}, nil
}

var (
	instanceLock   sync.Mutex
	singleInstance *producer
)

// RedHatInsights/edge-api pkg/common/kafka/producer.go at 18831fa4
// (fixed in bc1c75dc, edge-api#2561): the test is made before the lock,
// and nothing under the lock looks again. Two first callers both build
// a producer; the first one's is replaced and never closed.
func producerInstance(broker string) *producer {
	if singleInstance == nil {
		instanceLock.Lock()
		defer instanceLock.Unlock()
		p, err := newProducer(broker)
		if err != nil {
			return nil
		}
		singleInstance = p // want `singleInstance is set here under instanceLock, taken after the test on line 31 found it unset with no lock held, and nothing under the lock looks at it again`
	}
	return singleInstance
}

// The fix: the test under the lock.
func producerInstanceFixed(broker string) *producer {
	instanceLock.Lock()
	defer instanceLock.Unlock()
	if singleInstance == nil {
		p, err := newProducer(broker)
		if err != nil {
			return nil
		}
		singleInstance = p
	}
	return singleInstance
}

// Double-checked locking done right: the second test under the lock.
func producerInstanceDoubleChecked(broker string) *producer {
	if singleInstance != nil {
		return singleInstance
	}
	instanceLock.Lock()
	defer instanceLock.Unlock()
	if singleInstance != nil {
		return singleInstance
	}
	p, err := newProducer(broker)
	if err != nil {
		return nil
	}
	singleInstance = p
	return p
}

// A field of the receiver, after an if that returns.
type client struct {
	mu   sync.Mutex
	conn *producer
	name string
}

func (c *client) connection(broker string) *producer {
	if c.conn != nil {
		return c.conn
	}
	c.mu.Lock()
	p := &producer{broker: broker}
	c.conn = p // want `c.conn is set here under c.mu, taken after the test on line 83 found it unset`
	c.mu.Unlock()
	return p
}

// A value that is no new object (a name computed from the receiver's
// state): racing goroutines set equal strings.
func (c *client) displayName(broker string) string {
	if c.name == "" {
		c.mu.Lock()
		c.name = "client of " + broker
		c.mu.Unlock()
	}
	return c.name
}

// A local's field is the function's own.
func fresh(broker string) *client {
	c := &client{}
	if c.conn == nil {
		c.mu.Lock()
		c.conn = &producer{broker: broker}
		c.mu.Unlock()
	}
	return c
}

// Closing the producer clears the variable, so a later call builds it
// again: the lazy branch runs.
func closeProducer() {
	instanceLock.Lock()
	defer instanceLock.Unlock()
	if singleInstance != nil {
		singleInstance.Close()
	}
	singleInstance = nil
}

// apache/dubbo-go registry/etcdv3/registry.go at 08a4387b: the listener
// is built by initListeners, which the constructor calls, and never
// cleared; the nil test in subscribe guards a branch that does not run.
type eventListener struct{ client string }

func newEventListener(client string) *eventListener { return &eventListener{client: client} }

type etcdRegistry struct {
	client       string
	listenerLock sync.RWMutex
	listener     *eventListener
}

func newEtcdRegistry(client string) *etcdRegistry {
	r := &etcdRegistry{client: client}
	r.initListeners()
	return r
}

func (r *etcdRegistry) initListeners() {
	r.listener = newEventListener(r.client)
}

func (r *etcdRegistry) subscribe() *eventListener {
	if r.listener == nil {
		r.listenerLock.Lock()
		r.listener = newEventListener(r.client)
		r.listenerLock.Unlock()
	}
	return r.listener
}

// The test made on a copy read under the lock, released before the test:
// it says no more than an unlocked read, and two first callers each build
// a registry; the counters registered on the first are never exported.
type metricsRegistry struct{ counters map[string]*int64 }

func newMetricsRegistry() *metricsRegistry {
	return &metricsRegistry{counters: map[string]*int64{}}
}

var (
	defaultRegMu sync.Mutex
	defaultReg   *metricsRegistry
)

func DefaultRegistry() *metricsRegistry {
	defaultRegMu.Lock()
	r := defaultReg
	defaultRegMu.Unlock()
	if r != nil {
		return r
	}
	r = newMetricsRegistry()
	defaultRegMu.Lock()
	defaultReg = r // want `defaultReg is set here under defaultRegMu, taken after the test on line \d+ found it unset with no lock held`
	defaultRegMu.Unlock()
	return r
}

// The fix: the test and the set under one lock.
func defaultRegistryFixed() *metricsRegistry {
	defaultRegMu.Lock()
	defer defaultRegMu.Unlock()
	if defaultReg == nil {
		defaultReg = newMetricsRegistry()
	}
	return defaultReg
}
