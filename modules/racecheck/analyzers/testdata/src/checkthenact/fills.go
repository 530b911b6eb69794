package checkthenact

// Cache fills (cache-aside): issue #19's follow-up cases from dubbo-go.

import (
	"errors"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

type metadataInfo struct {
	app      string
	services map[string]string
}

type metadataCache struct{ entries sync.Map }

func (c *metadataCache) Get(k string) (any, bool) { return c.entries.Load(k) }
func (c *metadataCache) Set(k string, v any)      { c.entries.Store(k, v) }

var metaCache metadataCache

// The fetches depend on more than the key (the instance asked), so the
// value is not a memo of the key alone.
func getMetadataFromReport(revision, instance string) (*metadataInfo, error) {
	return &metadataInfo{app: revision + instance}, nil
}

func getMetadataFromRPC(revision, instance string) (*metadataInfo, error) {
	return &metadataInfo{app: revision + instance}, nil
}

// dubbo-go registry/servicediscovery (GetMetadataInfo): a miss fetches the
// metadata and fills the cache. Racing fills each fetch and each use their
// own copy; the cache keeps one. The race costs a duplicate fetch.
func metadataFor(revision, instance string, remote bool) (*metadataInfo, error) {
	if v, ok := metaCache.Get(revision); ok {
		return v.(*metadataInfo), nil
	}
	var info *metadataInfo
	var err error
	if remote {
		info, err = getMetadataFromReport(revision, instance)
		if err == nil && info != nil {
			metaCache.Set(revision, info)
			return info, nil
		}
	}
	info, err = getMetadataFromRPC(revision, instance)
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, errors.New("no metadata")
	}
	metaCache.Set(revision, info)
	return info, nil
}

// A fill that also counts the fetch: both racing goroutines count it.
var fetches int

func metadataCounted(revision, instance string) *metadataInfo {
	if v, ok := metaCache.Get(revision); ok {
		return v.(*metadataInfo)
	}
	info, _ := getMetadataFromRPC(revision, instance)
	metaCache.Set(revision, info) // want `runs only when the check found no entry`
	fetches++
	return info
}

// A cached value that must be released (gorm's prepared statements): the
// overwritten one is never closed.
type stmtSet struct{ stmts map[string]string }

func (s *stmtSet) Close() error { return nil }

func loadStmtSet(name, dsn string) *stmtSet { return &stmtSet{} }

type stmtStore struct{ stmtCache sync.Map }

func (s *stmtStore) statements(name, dsn string) *stmtSet {
	if v, ok := s.stmtCache.Load(name); ok {
		return v.(*stmtSet)
	}
	set := loadStmtSet(name, dsn)
	s.stmtCache.Store(name, set) // want `runs only when the check found no entry`
	return set
}

// Not named as a cache: the map may be relied on to hold one value per key.
type sessionTable struct{ sessions sync.Map }

func (t *sessionTable) session(id, instance string) *metadataInfo {
	if v, ok := t.sessions.Load(id); ok {
		return v.(*metadataInfo)
	}
	info, _ := getMetadataFromRPC(id, instance)
	t.sessions.Store(id, info) // want `runs only when the check found no entry`
	return info
}

// A constructor builds an object with identity, cache or not.
func newMetadataInfo(app string) *metadataInfo { return &metadataInfo{app: app} }

func metadataBuilt(app string) *metadataInfo {
	if v, ok := metaCache.Get(app); ok {
		return v.(*metadataInfo)
	}
	info := newMetadataInfo(app)
	metaCache.Set(app, info) // want `runs only when the check found no entry`
	return info
}

// A lock per key is shared state by its nature, whatever call returns it.
var lockCache sync.Map

func getLock(name, owner string) *sync.Mutex { return &sync.Mutex{} }

func lockFor(name, owner string) *sync.Mutex {
	if v, ok := lockCache.Load(name); ok {
		return v.(*sync.Mutex)
	}
	mu := getLock(name, owner)
	lockCache.Store(name, mu) // want `runs only when the check found no entry`
	return mu
}

// A lookup name that also says it creates.
func getOrCreateMetadata(revision, instance string) *metadataInfo {
	return &metadataInfo{app: revision + instance}
}

func metadataCreated(revision, instance string) *metadataInfo {
	if v, ok := metaCache.Get(revision); ok {
		return v.(*metadataInfo)
	}
	info := getOrCreateMetadata(revision, instance)
	metaCache.Set(revision, info) // want `runs only when the check found no entry`
	return info
}

// rocketmq-client-go internal/route.go (FetchPublishMessageQueues): a
// missed route is queried and stored, and its brokers added; AddBroker
// only stores each broker, so racing goroutines storing equal routes add
// the same brokers.
type brokerData struct{ name string }

type routeData struct{ brokers []brokerData }

type nameServers struct {
	routes    sync.Map
	brokers   sync.Map
	additions int
}

func (s *nameServers) queryRoute(topic string) *routeData {
	return &routeData{brokers: []brokerData{{name: topic}}}
}

func (s *nameServers) addBrokers(rd *routeData) {
	for _, b := range rd.brokers {
		s.brokers.Store(b.name, b)
	}
}

func (s *nameServers) fetchRoute(topic string) (*routeData, error) {
	return s.queryRoute(topic), nil
}

func (s *nameServers) route(topic string) (*routeData, error) {
	var (
		rd  *routeData
		err error
	)
	if v, ok := s.routes.Load(topic); ok {
		return v.(*routeData), nil
	}
	rd, err = s.fetchRoute(topic)
	if err != nil {
		return nil, err
	}
	s.routes.Store(topic, rd)
	s.addBrokers(rd)
	return rd, nil
}

// A call that also counts is not idempotent.
func (s *nameServers) addBrokersCounted(rd *routeData) {
	s.additions++
	s.addBrokers(rd)
}

func (s *nameServers) routeCounted(topic string) *routeData {
	if v, ok := s.routes.Load(topic); ok {
		return v.(*routeData)
	}
	rd := s.queryRoute(topic)
	s.routes.Store(topic, rd) // want `although both store the same value`
	s.addBrokersCounted(rd)
	return rd
}

// Nor is one handed something other than the value and the key.
func (s *nameServers) routeFor(topic, client string) *routeData {
	if v, ok := s.routes.Load(topic); ok {
		return v.(*routeData)
	}
	rd := s.queryRoute(topic)
	s.routes.Store(topic, rd) // want `although both store the same value`
	s.addBrokers(s.queryRoute(client))
	return rd
}

// lookupTable memoises lookups in a table read under its lock
// (douyu/jupiter pkg/conf/conf.go c41ec709f260, Configuration.find): the
// lock taken and released on the way leaves nothing behind, and racing
// goroutines store equal values.
type lookupTable struct {
	mu    sync.RWMutex
	table map[string]int
	memo  sync.Map
	fills int
}

func (t *lookupTable) find(k string) int {
	if v, ok := t.memo.Load(k); ok {
		return v.(int)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := len(k)
	t.memo.Store(k, n)
	return n
}

// The same with the fill counted under the lock: both racing goroutines
// count it.
func (t *lookupTable) findCounted(k string) int {
	if v, ok := t.memo.Load(k); ok {
		return v.(int)
	}
	t.mu.Lock()
	t.fills++
	t.mu.Unlock()
	n := len(k)
	t.memo.Store(k, n) // want `although both store the same value, both go on as the one that inserted it`
	return n
}

// A statement on the insert branch that is not a call (a receive) is not a
// lock call either, and waiting does not outlive the branch.
func (t *lookupTable) findWhenReady(k string, ready chan struct{}) int {
	if v, ok := t.memo.Load(k); ok {
		return v.(int)
	}
	<-ready
	n := len(k)
	t.memo.Store(k, n)
	return n
}

// hertz pkg/app/server/binding/default.go (out of sample, a false alarm):
// a miss gets the type's decoder and caches it wrapped in a struct value.
// The wrapper is copied, not shared; racing fills each get a decoder and
// the cache keeps one, as for the decoder itself.
type decoderInfo struct {
	decode func(string) error
	tag    string
}

func getReqDecoder(typ, tag string) (func(string) error, error) {
	return func(string) error { return nil }, nil
}

type binder struct{ decoderCache sync.Map }

func (b *binder) bind(typ, tag, req string) error {
	if cached, ok := b.decoderCache.Load(typ); ok {
		return cached.(decoderInfo).decode(req)
	}
	decode, err := getReqDecoder(typ, tag)
	if err != nil {
		return err
	}
	b.decoderCache.Store(typ, decoderInfo{decode: decode, tag: "v1"})
	return decode(req)
}

// A pointer to a new wrapper is an object with identity.
func (b *binder) bindShared(typ, tag, req string) error {
	if _, ok := b.decoderCache.Load(typ); ok {
		return nil
	}
	decode, _ := getReqDecoder(typ, tag)
	b.decoderCache.Store(typ, &decoderInfo{decode: decode}) // want `runs only when the check found no entry`
	return decode(req)
}

// A wrapper around something to release: the one overwritten is never
// closed.
type stmtInfo struct{ set *stmtSet }

func (b *binder) prepared(name, dsn string) *stmtSet {
	if v, ok := b.decoderCache.Load(name); ok {
		return v.(stmtInfo).set
	}
	set := getStmtSet(name, dsn)
	b.decoderCache.Store(name, stmtInfo{set: set}) // want `runs only when the check found no entry`
	return set
}

func getStmtSet(name, dsn string) *stmtSet { return &stmtSet{} }

// Not a fill: a value made by a function value (a factory handed in by the
// caller) may be a new object each time, so the value a goroutine goes on
// using is not the one left in the map (iceberg-go#699's shape on a
// sync.Map; its plain-map original is in the plainmaps testdata).
type defaultMap struct {
	factory func(string) *metadataInfo
	data    sync.Map
}

func (d *defaultMap) get(key string) *metadataInfo {
	if v, ok := d.data.Load(key); ok {
		return v.(*metadataInfo)
	}
	v := d.factory(key)
	d.data.Store(key, v) // want `d.data.Store\(key\) after d.data.Load\(key\) on line 327 runs only when the check found no entry`
	return v
}

// centrifugal/centrifuge metrics.go (at 6454fdbd): observers of a metric
// vector cached by their labels. A vector keeps one child per label set,
// so racing fills cache the same children: a fill.
type commandLabels struct{ frame, namespace string }

type dualObserver struct {
	summary, histogram prometheus.Observer
}

type metrics struct {
	durations            *prometheus.HistogramVec
	summaries            *prometheus.HistogramVec
	commandDurationCache sync.Map
}

func (m *metrics) observe(l commandLabels, d float64) {
	observer, ok := m.commandDurationCache.Load(l)
	if !ok {
		observer = dualObserver{
			summary:   m.summaries.WithLabelValues(l.frame, l.namespace),
			histogram: m.durations.With(prometheus.Labels{"frame": l.frame}),
		}
		m.commandDurationCache.Store(l, observer)
	}
	observer.(dualObserver).summary.Observe(d)
}

// Near-miss: a new observer per label set is not the vector's.
type ownObserver struct{ sum float64 }

func (o *ownObserver) Observe(v float64) { o.sum += v }

func (m *metrics) observeOwn(l commandLabels, d float64) {
	observer, ok := m.commandDurationCache.Load(l)
	if !ok {
		observer = &ownObserver{}
		m.commandDurationCache.Store(l, observer) // want `runs only when the check found no entry`
	}
	observer.(*ownObserver).Observe(d)
}

// minio/minio-go bucket-cache.go:73 (e9f656c5, a debatable finding of the
// thirtieth precision set): a miss asks the server for the bucket's region
// and fills the location cache with the string the response gives. A
// string has no identity: racing fills each go on with an equal copy, and
// the cache keeps one.
type locationCache struct{ m sync.Map }

func (c *locationCache) Get(k string) (string, bool) {
	v, ok := c.m.Load(k)
	if !ok {
		return "", false
	}
	return v.(string), true
}
func (c *locationCache) Set(k, v string) { c.m.Store(k, v) }

type regionClient struct{ bucketLocCache locationCache }

func processLocationResponse(resp []byte, bucket string) (string, error) { return string(resp), nil }

func (c *regionClient) bucketLocation(bucket string, ask func(string) []byte) (string, error) {
	if loc, ok := c.bucketLocCache.Get(bucket); ok {
		return loc, nil
	}
	resp := ask(bucket)
	loc, err := processLocationResponse(resp, bucket)
	if err != nil {
		return "", err
	}
	c.bucketLocCache.Set(bucket, loc)
	return loc, nil
}

// Near-miss: a number handed out once per key, in a map not named as a
// cache: racing goroutines hand out two.
type ticketTable struct {
	next    int
	tickets locationTable
}

type locationTable struct{ m sync.Map }

func (t *locationTable) Get(k string) (int, bool) {
	v, ok := t.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int), true
}
func (t *locationTable) Set(k string, v int) { t.m.Store(k, v) }

func (t *ticketTable) ticket(k string, issue func() int) int {
	if n, ok := t.tickets.Get(k); ok {
		return n
	}
	n := issue()
	t.tickets.Set(k, n) // want `runs only when the check found no entry`
	return n
}
