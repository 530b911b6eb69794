package checkthenact

import (
	"errors"
	"sync"
	"time"
)

var errWalletFunds = errors.New("insufficient funds")

// A balance read under the lock, the lock released, and the balance
// written under the lock taken again from the value read: two withdrawals
// both read the same balance, and one of them is lost.
type wallet struct {
	mu      sync.Mutex
	balance int
}

func (a *wallet) withdraw(amount int) error {
	a.mu.Lock()
	b := a.balance
	a.mu.Unlock()
	if b < amount {
		return errWalletFunds
	}
	a.mu.Lock()
	a.balance = b - amount // want `a.balance = … after a.balance read on line 21 under a lock released since stores a value computed from the one read, but is not atomic with it: another goroutine can change a.balance in between, and that update is lost; use one lock held across the read and the write`
	a.mu.Unlock()
	return nil
}

// The check kept in a local, and the balance lowered under the lock taken
// again: two transfers of 70 out of 100 both pass.
func walletTransfer(from, to *wallet, amount int) error {
	from.mu.Lock()
	ok := from.balance >= amount
	from.mu.Unlock()
	if !ok {
		return errWalletFunds
	}
	from.mu.Lock()
	from.balance -= amount // want `from.balance -= … after from.balance read on line 36 under a lock released since is decided by the value read`
	from.mu.Unlock()
	to.mu.Lock()
	to.balance += amount
	to.mu.Unlock()
	return nil
}

// The fix: one lock across the read, the check and the write.
func (a *wallet) withdrawFixed(amount int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance < amount {
		return errWalletFunds
	}
	a.balance -= amount
	return nil
}

func (a *wallet) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

func (a *wallet) setBalance(v int) {
	a.mu.Lock()
	a.balance = v
	a.mu.Unlock()
}

// The same made of a getter and a setter that each lock: the shape of
// moby/moby's plugin store (plugin/store/store.go:177 at b00f1c86, fixed in
// 4c088d1e, moby#29281), p.SetRefCount(mode + p.GetRefCount()), whose
// concurrent Gets lost reference counts; the fix adds under one lock.
func (a *wallet) deposit(amount int) {
	a.setBalance(a.Balance() + amount) // want `a.setBalance\(…\), which sets a.balance, after a.Balance\(\), which reads a.balance under its lock, in the same statement, stores a value computed from the one read`
}

// A bound checked through the getter, and the count raised under the lock.
type slotLimiter struct {
	mu    sync.Mutex
	count int
	max   int
}

func (l *slotLimiter) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count
}

func (l *slotLimiter) allow() bool {
	if l.Count() >= l.max {
		return false
	}
	l.mu.Lock()
	l.count++ // want `l.count\+\+ after l.Count\(\), which reads l.count under its lock, on line 95 is decided by the value read, but is not atomic with it: another goroutine can change l.count in between, and both pass the check; test it again under the lock, or hold one lock across the check and the write`
	l.mu.Unlock()
	return true
}

// A second look under the write's lock.
func (l *slotLimiter) allowRechecked() bool {
	if l.Count() >= l.max {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count >= l.max {
		return false
	}
	l.count++
	return true
}

// An outer lock of the caller's held across both: the updates are
// serialised.
type walletLedger struct {
	opMu sync.Mutex
	acct wallet
}

func (l *walletLedger) withdraw(amount int) {
	l.opMu.Lock()
	defer l.opMu.Unlock()
	l.acct.setBalance(l.acct.Balance() - amount)
}

// A write the value read neither computes nor decides.
type lastGauge struct {
	mu   sync.Mutex
	last int
	seen []int
}

func (g *lastGauge) record(v int) {
	g.mu.Lock()
	prev := g.last
	g.mu.Unlock()
	g.seen = append(g.seen, prev)
	g.mu.Lock()
	g.last = v
	g.mu.Unlock()
}

// A constant stored after the check is locked-flag's shape, and a field
// filled with a new object when found empty, through a copy read under the
// lock, is locked-lazy's: neither is this rule's.
type walletConn struct {
	mu      sync.Mutex
	conn    *wallet
	started bool
}

func (c *walletConn) get() *wallet {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		conn = &wallet{}
		c.mu.Lock()
		c.conn = conn // want `c.conn is set here under c.mu, taken after the test on line 161 found it unset with no lock held, and nothing under the lock looks at it again`
		c.mu.Unlock()
	}
	return conn
}

func (c *walletConn) start() {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if started {
		return
	}
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
}

// A value computed from the field as it is at the write, under its lock.
func (g *lastGauge) bump(delta int) {
	g.mu.Lock()
	prev := g.last
	g.mu.Unlock()
	if prev > 100 {
		return
	}
	g.mu.Lock()
	if g.last > 100 {
		g.mu.Unlock()
		return
	}
	g.last = g.last + delta
	g.mu.Unlock()
}

// One goroutine, started once per receiver, owns every write of the
// field; other goroutines only read it.
type offsetPoller struct {
	mu     sync.Mutex
	offset int
	ch     chan int
}

func newOffsetPoller() *offsetPoller {
	p := &offsetPoller{ch: make(chan int)}
	go p.run()
	return p
}

func (p *offsetPoller) run() {
	for n := range p.ch {
		p.mu.Lock()
		off := p.offset
		p.mu.Unlock()
		p.mu.Lock()
		p.offset = off + n
		p.mu.Unlock()
	}
}

func (p *offsetPoller) Offset() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.offset
}

// Near-misses from real projects. A lock released on one path only
// (nats.go's message loop drops it to run a barrier's callback and goes on
// with the list it alone pops): on the other path the code is atomic.
type msgList struct {
	mu   sync.Mutex
	head *msgNode
}

type msgNode struct {
	next    *msgNode
	barrier func()
}

func (l *msgList) drain() {
	l.mu.Lock()
	for m := l.head; m != nil; m = l.head {
		if m.barrier != nil {
			l.mu.Unlock()
			m.barrier()
			l.mu.Lock()
		}
		l.head = m.next
	}
	l.mu.Unlock()
}

// Writes a branch on the value read decides, that are no count raised
// past a bound, are not this rule's: a value stored where it differs from
// the one read (grpc-go's cluster name: the field ends as an
// unconditional write would leave it), a time throttle (nats-server's
// limit error log: two goroutines that pass log twice, which the throttle
// only bounds), the first error kept (trpc-go's virtual connection), a
// position computed where none was found (litestream's replica).
type clusterBalancer struct {
	mu          sync.Mutex
	clusterName string
}

func (b *clusterBalancer) getClusterName() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.clusterName
}

func (b *clusterBalancer) setClusterName(n string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clusterName = n
}

func (b *clusterBalancer) update(name string) bool {
	if b.getClusterName() != name {
		b.setClusterName(name)
		return true
	}
	return false
}

type limitLog struct {
	mu      sync.RWMutex
	lastErr int64
}

func (a *limitLog) shouldLog() bool {
	a.mu.RLock()
	last := a.lastErr
	a.mu.RUnlock()
	if now := time.Now().UnixNano(); now-last >= int64(time.Second) {
		a.mu.Lock()
		a.lastErr = now
		a.mu.Unlock()
		return true
	}
	return false
}

// A value saved and restored as it was (temporal's read-only dispatcher
// around a query) is no update; a value read, changed and written back is
// (nats-server's MQTT session adds a consumer's pending acks to the
// total it read).
type dispatcher struct {
	mu       sync.Mutex
	readOnly bool
	mode     int
}

func (d *dispatcher) getMode() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mode
}

func (d *dispatcher) setMode(m int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.mode = m
}

func (d *dispatcher) query(run func()) {
	prev := d.getMode()
	d.setMode(1)
	defer d.setMode(prev)
	run()
}

func (d *dispatcher) addPending(n int) {
	d.mu.Lock()
	total := d.mode
	d.mu.Unlock()
	total += n
	d.mu.Lock()
	d.mode = total // want `d.mode = … after d.mode read on line 337 under a lock released since stores a value computed from the one read`
	d.mu.Unlock()
}

// A value read, replaced along one path by another value as it is, and
// written back (nats-server's client JWT, kept or replaced by a default):
// copies, not an update.
func (d *dispatcher) modeOrDefault(fallback int) {
	d.mu.Lock()
	m := d.mode
	d.mu.Unlock()
	if m == 0 {
		m = fallback
	}
	d.mu.Lock()
	d.mode = m
	d.mu.Unlock()
}

type virtualConn struct {
	mu  sync.RWMutex
	err error
	pos time.Time
}

func (vc *virtualConn) loadErr() error {
	vc.mu.RLock()
	defer vc.mu.RUnlock()
	return vc.err
}

func (vc *virtualConn) storeErr(err error) {
	if vc.loadErr() != nil {
		return
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	vc.err = err
}

func (vc *virtualConn) Pos() time.Time {
	vc.mu.RLock()
	defer vc.mu.RUnlock()
	return vc.pos
}

func (vc *virtualConn) SetPos(t time.Time) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	vc.pos = t
}

func (vc *virtualConn) sync() {
	if vc.Pos().IsZero() {
		vc.SetPos(time.Unix(1, 0))
	}
}

// liftbridge-io/liftbridge server/commitlog/commitlog.go:534 at 8e3e53d5
// (fixed in 42b8369a, "Fix compaction race condition"): the segments read
// through the locking getter are cleaned with no lock held and written
// back under the lock, so a segment a split appends in between is lost.
type segmentLog struct {
	mu       sync.RWMutex
	segments []string
}

func (l *segmentLog) Segments() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.segments
}

func compactSegments(segs []string) ([]string, error) { return segs[len(segs)/2:], nil }

func (l *segmentLog) Clean() error {
	cleaned, err := compactSegments(l.Segments())
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.segments = cleaned // want `l.segments = … after l.Segments\(\), which reads l.segments under its lock, on line \d+ stores a value computed from the one read`
	l.mu.Unlock()
	return nil
}

// The fix: the segments appended since are looked at again under the lock.
func (l *segmentLog) cleanFixed() error {
	l.mu.RLock()
	old := l.segments
	l.mu.RUnlock()
	cleaned, err := compactSegments(old)
	if err != nil {
		return err
	}
	l.mu.Lock()
	if len(l.segments) > len(old) {
		cleaned = append(cleaned, l.segments[len(old):]...)
	}
	l.segments = cleaned
	l.mu.Unlock()
	return nil
}

// A bound checked through the getter, and the count changed by a method
// whose body changes it under its lock: two payments both pass.
func (a *wallet) sub(amount int) {
	a.mu.Lock()
	a.balance -= amount
	a.mu.Unlock()
}

func (a *wallet) pay(amount int) bool {
	if a.Balance() < amount {
		return false
	}
	a.sub(amount) // want `a.sub\(…\), which changes a.balance under its lock, after a.Balance\(\), which reads a.balance under its lock, on line \d+ is decided by the value read`
	return true
}

// The fix: one method that checks and subtracts under the lock.
func (a *wallet) tryPay(amount int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance < amount {
		return false
	}
	a.balance -= amount
	return true
}

// Near-miss: a change with no check before it.
func (a *wallet) fee(amount int) {
	a.sub(amount)
}

// A bound checked by a locking method that answers the comparison, and the
// count raised by another locking method: two callers both hear there is
// room, and both take a slot (more connections open than allowed).
type dialPool struct {
	mu   sync.Mutex
	open int
	max  int
}

func (p *dialPool) roomLeft() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open < p.max
}

func (p *dialPool) opened() {
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
}

func (p *dialPool) Dial(dial func() error) error {
	if !p.roomLeft() {
		return errWalletFunds
	}
	if err := dial(); err != nil {
		return err
	}
	p.opened() // want `p.opened\(\), which changes p.open under its lock, after p.roomLeft\(\), which compares p.open under its lock, on line 499 is decided by that comparison, but is not atomic with it: another goroutine can change p.open in between, and both pass the check`
	return nil
}

// The same with the answer kept in a local.
func (p *dialPool) dialKept(dial func() error) error {
	ok := p.roomLeft()
	if !ok {
		return errWalletFunds
	}
	p.opened() // want `p.opened\(\), which changes p.open under its lock, after p.roomLeft\(\)`
	return dial()
}

// The fix: the slot is taken under the lock that checks it.
func (p *dialPool) reserve() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open >= p.max {
		return false
	}
	p.open++
	return true
}

// Near-miss: the predicate compares fields the later change leaves alone.
type dialQuota struct {
	mu      sync.Mutex
	open    int
	max     int
	retries int
}

func (q *dialQuota) roomLeft() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.open < q.max
}

func (q *dialQuota) retried() {
	q.mu.Lock()
	q.retries++
	q.mu.Unlock()
}

func (q *dialQuota) Dial() {
	if !q.roomLeft() {
		return
	}
	q.retried()
}

// The count raised by a method that does other work first (a dial) and
// then changes it under its lock.
func (p *dialPool) dialAndCount(dial func() error) error {
	if err := dial(); err != nil {
		return err
	}
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
	return nil
}

func (p *dialPool) Open(dial func() error) error {
	if !p.roomLeft() {
		return errWalletFunds
	}
	return p.dialAndCount(dial) // want `p.dialAndCount\(…\), which changes p.open under its lock, after p.roomLeft\(\), which compares p.open under its lock, on line \d+ is decided by that comparison`
}

// Near-miss: the method raises the count first, as a reservation, and
// looks at it again under its lock to give the slot back on overshoot.
func (p *dialPool) reserveThenTrim(dial func() error) error {
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
	if err := dial(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open > p.max {
		p.open--
		return errWalletFunds
	}
	return nil
}

func (p *dialPool) OpenReserved(dial func() error) error {
	if !p.roomLeft() {
		return errWalletFunds
	}
	return p.reserveThenTrim(dial)
}

// A config replaced through a locking setter after its version was
// compared, through a predicate of the package, with the one a locking
// getter read: two reloads both pass, and the older can be set last.
type versionedConf struct {
	version int64
}

type confHolder struct {
	mu  sync.RWMutex
	cur *versionedConf
}

func (h *confHolder) Current() *versionedConf {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.cur
}

func (h *confHolder) Set(c *versionedConf) {
	h.mu.Lock()
	h.cur = c
	h.mu.Unlock()
}

func newerConf(cur, next *versionedConf) bool {
	return cur == nil || next.version > cur.version
}

func (h *confHolder) Reload(next *versionedConf) {
	if !newerConf(h.Current(), next) {
		return
	}
	h.Set(next) // want `h.Set\(…\), which sets h.cur, after h.Current\(\), which reads h.cur under its lock, on line \d+ is decided by the value read`
}

// The same compared in place, the value read kept in a local.
func (h *confHolder) apply(next *versionedConf) bool {
	cur := h.Current()
	if cur != nil && next.version <= cur.version {
		return false
	}
	h.Set(next) // want `h.Set\(…\), which sets h.cur, after h.Current\(\), which reads h.cur under its lock, on line \d+ is decided by the value read`
	return true
}

// The fix: the comparison under the setter's lock.
func (h *confHolder) setIfNewer(next *versionedConf) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur != nil && next.version <= h.cur.version {
		return false
	}
	h.cur = next
	return true
}

// Near-miss: a change detection (the same value is set either way).
func (h *confHolder) setChanged(next *versionedConf) {
	if h.Current() == next {
		return
	}
	h.Set(next)
}

// Near-miss: an order comparison of the value read with a scalar, not
// with the value written.
func (h *confHolder) setAfter(next *versionedConf, floor int64) {
	if cur := h.Current(); cur != nil && cur.version > floor {
		return
	}
	h.Set(next)
}

// A Go map's entry read under the read lock, and decremented under the
// write lock after a bound check on the value read: two reservations of
// the last unit both pass, and the stock goes negative.
type stockBook struct {
	mu    sync.RWMutex
	stock map[string]int
}

func (b *stockBook) Reserve(sku string, qty int) bool {
	b.mu.RLock()
	avail, ok := b.stock[sku]
	b.mu.RUnlock()
	if !ok || avail < qty {
		return false
	}
	b.mu.Lock()
	b.stock[sku] -= qty // want `b.stock\[sku\] -= … after b.stock\[sku\] read on line \d+ under a lock released since is decided by the value read, but is not atomic with it: another goroutine can change b.stock\[sku\] in between, and both pass the check`
	b.mu.Unlock()
	return true
}

// Near-miss: the entry looked at again under the write lock.
func (b *stockBook) reserveRechecked(sku string, qty int) bool {
	b.mu.RLock()
	avail := b.stock[sku]
	b.mu.RUnlock()
	if avail < qty {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stock[sku] < qty {
		return false
	}
	b.stock[sku] -= qty
	return true
}

// Near-miss: another key's entry.
func (b *stockBook) reserveOther(sku, other string, qty int) bool {
	b.mu.RLock()
	avail := b.stock[other]
	b.mu.RUnlock()
	if avail < qty {
		return false
	}
	b.mu.Lock()
	b.stock[sku] -= qty
	b.mu.Unlock()
	return true
}

// A keyed bound: a locking method answers whether a tenant's entry plus
// the amount asked stays within its limit, and another locking method
// adds the amount to the entry. Two uploads of one tenant both hear there
// is room and both are charged (the tenant ends far above its quota; the
// fourth textbook set's s06). The release after a failed save undoes the
// allocation the check allowed and is not decided by the check again.
type tenantQuotas struct {
	mu    sync.Mutex
	used  map[string]int64
	limit map[string]int64
}

func (q *tenantQuotas) CanAllocate(tenant string, n int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used[tenant]+n <= q.limit[tenant]
}

func (q *tenantQuotas) Allocate(tenant string, n int64) {
	q.mu.Lock()
	q.used[tenant] += n
	q.mu.Unlock()
}

func (q *tenantQuotas) Release(tenant string, n int64) {
	q.mu.Lock()
	q.used[tenant] -= n
	q.mu.Unlock()
}

func (q *tenantQuotas) Upload(tenant string, n int64, save func() error) error {
	if !q.CanAllocate(tenant, n) {
		return errWalletFunds
	}
	q.Allocate(tenant, n) // want `q.Allocate\(…\), which changes q.used\[tenant\] under its lock, after q.CanAllocate\(tenant, n\), which compares q.used\[tenant\] under its lock, on line \d+ is decided by that comparison`
	if err := save(); err != nil {
		q.Release(tenant, n)
		return err
	}
	return nil
}

// The fix: the amount is checked and added under one lock.
func (q *tenantQuotas) TryAllocate(tenant string, n int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.used[tenant]+n > q.limit[tenant] {
		return false
	}
	q.used[tenant] += n
	return true
}

// Near-miss: the entry changed is another tenant's (a transfer's
// destination), not the one the check compared.
func (q *tenantQuotas) Move(from, to string, n int64) error {
	if !q.CanAllocate(from, n) {
		return errWalletFunds
	}
	q.Allocate(to, n)
	return nil
}

// The same bound read through a getter of the entry, keyed by its
// parameter: two checkouts of the last unit both see it available and
// both reserve it (the fifth textbook set's t02).
func (q *tenantQuotas) Used(tenant string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used[tenant]
}

func (q *tenantQuotas) Charge(tenant string, n, max int64) error {
	if q.Used(tenant) > max-n {
		return errWalletFunds
	}
	q.Allocate(tenant, n) // want `q.Allocate\(…\), which changes q.used\[tenant\] under its lock, after q.Used\(tenant\), which reads q.used\[tenant\] under its lock, on line \d+ is decided by the value read`
	return nil
}

// Near-miss: the getter reads another tenant's entry.
func (q *tenantQuotas) ChargeShared(tenant, pool string, n, max int64) error {
	if q.Used(pool) > max-n {
		return errWalletFunds
	}
	q.Allocate(tenant, n)
	return nil
}

// A count compared with another field under the lock, the answer kept in a
// local, the lock dropped for a dial and the count raised under it again
// (textbook set 6, t15): pools whose callers all found room all dial and
// all count, past maxOpen.
type openPool struct {
	mu      sync.Mutex
	numOpen int
	maxOpen int
}

func (p *openPool) Get(dial func() error) error {
	p.mu.Lock()
	canDial := p.numOpen < p.maxOpen
	p.mu.Unlock()
	if !canDial {
		return errors.New("exhausted")
	}
	if err := dial(); err != nil {
		return err
	}
	p.mu.Lock()
	p.numOpen++ // want `p.numOpen\+\+ after p.numOpen read on line [0-9]+ under a lock released since is decided by the value read`
	p.mu.Unlock()
	return nil
}

// The bound where one applies (textbook set 11, t07, database/sql's
// shape: maxOpen <= 0 means no limit).
func (p *openPool) GetUnlimited(dial func() error) error {
	p.mu.Lock()
	canDial := p.maxOpen <= 0 || p.numOpen < p.maxOpen
	p.mu.Unlock()
	if !canDial {
		return errors.New("exhausted")
	}
	if err := dial(); err != nil {
		return err
	}
	p.mu.Lock()
	p.numOpen++ // want `p.numOpen\+\+ after p.numOpen read on line [0-9]+ under a lock released since is decided by the value read`
	p.mu.Unlock()
	return nil
}

// Near-miss: the local holds a test of another field only.
func (p *openPool) GetAny(dial func() error) error {
	p.mu.Lock()
	limited := p.maxOpen > 0
	p.mu.Unlock()
	if limited {
		return errors.New("limited")
	}
	if err := dial(); err != nil {
		return err
	}
	p.mu.Lock()
	p.numOpen++
	p.mu.Unlock()
	return nil
}

// Near-miss: the fix reserves the slot under the lock that checks it.
func (p *openPool) GetFixed(dial func() error) error {
	p.mu.Lock()
	if p.numOpen >= p.maxOpen {
		p.mu.Unlock()
		return errors.New("exhausted")
	}
	p.numOpen++
	p.mu.Unlock()
	if err := dial(); err != nil {
		p.mu.Lock()
		p.numOpen--
		p.mu.Unlock()
		return err
	}
	return nil
}

// The room left below a bound, answered by a locking method, compared
// with zero, then the count raised by another (textbook set 8, t02): two
// requests that both see one unit left both consume it, and the tenant
// goes past its paid quota.
type planQuotas struct {
	mu    sync.Mutex
	limit map[string]int64
	used  map[string]int64
	max   int64
	open  int64
}

func (q *planQuotas) remaining(tenant string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit[tenant] - q.used[tenant]
}

func (q *planQuotas) consume(tenant string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.used[tenant]++
}

func (q *planQuotas) Admit(tenant string) bool {
	if q.remaining(tenant) <= 0 {
		return false
	}
	q.consume(tenant) // want `q.consume\(…\), which changes q.used\[tenant\] under its lock, after q.remaining\(tenant\), which reads q.used\[tenant\] under its lock, on line [0-9]+ is decided by the value read`
	return true
}

// The same with a field, the answer kept in a local.
func (q *planQuotas) slotsLeft() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.max - q.open
}

func (q *planQuotas) opened() {
	q.mu.Lock()
	q.open++
	q.mu.Unlock()
}

func (q *planQuotas) Open() bool {
	left := q.slotsLeft()
	if left < 1 {
		return false
	}
	q.opened() // want `q.opened\(\), which changes q.open under its lock, after q.slotsLeft\(\), which reads q.open under its lock`
	return true
}

// Near-miss: the consumer compares again under its own lock.
func (q *planQuotas) consumeIfRoom(tenant string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.used[tenant] >= q.limit[tenant] {
		return false
	}
	q.used[tenant]++
	return true
}

func (q *planQuotas) AdmitChecked(tenant string) bool {
	if q.remaining(tenant) <= 0 {
		return false
	}
	return q.consumeIfRoom(tenant)
}

// Near-miss: the room left only reported, the count raised whatever it is.
func (q *planQuotas) Record(tenant string) int64 {
	left := q.remaining(tenant)
	q.consume(tenant)
	return left - 1
}

// Near-miss: a sum is no room left.
func (q *planQuotas) total(tenant string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit[tenant] + q.used[tenant]
}

func (q *planQuotas) Grow(tenant string) {
	if q.total(tenant) <= 0 {
		return
	}
	q.consume(tenant)
}

// A count changed by a locking method that does more after the change
// under its deferred unlock (textbook set 9, t01): a ledger's debit also
// appends to the history.
type historyLedger struct {
	mu       sync.Mutex
	balances map[string]int64
	history  map[string][]int64
}

func (l *historyLedger) balance(user string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[user]
}

func (l *historyLedger) debit(user string, cents int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[user] -= cents
	l.history[user] = append(l.history[user], -cents)
}

func (l *historyLedger) Spend(user string, cents int64) error {
	if l.balance(user) < cents {
		return errWalletFunds
	}
	l.debit(user, cents) // want `l.debit\(…\), which changes l.balances\[user\] under its lock, after l.balance\(user\), which reads l.balances\[user\] under its lock`
	return nil
}

// Near-miss: a debit that looks at the balance again after changing it
// (and undoes an overdraft).
func (l *historyLedger) debitChecked(user string, cents int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[user] -= cents
	if l.balances[user] < 0 {
		l.balances[user] += cents
	}
}

func (l *historyLedger) SpendChecked(user string, cents int64) error {
	if l.balance(user) < cents {
		return errWalletFunds
	}
	l.debitChecked(user, cents)
	return nil
}

// The same through function-typed fields bound to the ledger's methods
// (textbook set 9, t15).
type reserver struct {
	available func(user string) int64
	take      func(user string, cents int64)
}

func newReserver(l *historyLedger) *reserver {
	return &reserver{available: l.balance, take: l.debit}
}

func (r *reserver) Reserve(user string, cents int64) bool {
	if r.available(user) < cents {
		return false
	}
	r.take(user, cents) // want `r.take\(…\), which changes r.balances\[user\] under its lock, after r.available\(user\), which reads r.balances\[user\] under its lock`
	return true
}
