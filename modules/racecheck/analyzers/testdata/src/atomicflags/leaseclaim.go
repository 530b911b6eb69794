package atomicflags

import (
	"errors"
	"sync"
	"time"
)

// A lease's holder found free under a read lock, then claimed under the
// write lock taken again (textbook set 4, s11), or through a locking
// getter and setter (set 5, t16): two nodes that both read it free both
// take it, and both run as leader.

type leaseGrant struct {
	Granted bool
	Holder  string
}

type nodeLease struct {
	TTL     time.Duration
	mu      sync.RWMutex
	holder  string
	expires time.Time
}

func (l *nodeLease) Acquire(node string, now time.Time) leaseGrant {
	l.mu.RLock()
	holder, expires := l.holder, l.expires
	l.mu.RUnlock()
	switch {
	case holder == node:
	case holder == "", now.After(expires):
	default:
		return leaseGrant{Granted: false, Holder: holder}
	}
	l.mu.Lock()
	l.holder = node // want `l.holder is set here to node after the test on line 30 found it free under a lock released since: two callers can both find it free and both take it, each told it holds it; test it again under the lock that sets it`
	l.expires = now.Add(l.TTL)
	l.mu.Unlock()
	return leaseGrant{Granted: true, Holder: node}
}

func (l *nodeLease) Holder() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.holder
}

func (l *nodeLease) grant(holder string, until time.Time) {
	l.mu.Lock()
	l.holder, l.expires = holder, until
	l.mu.Unlock()
}

var errLeaseHeld = errors.New("lease held")

// Through a getter and a setter, the refusal an if whose && terms say
// the holder is someone.
func (l *nodeLease) TryAcquire(node string, now time.Time) error {
	if h := l.Holder(); h != "" && h != node {
		return errLeaseHeld
	}
	l.grant(node, now.Add(l.TTL)) // want `l.holder is set here to node after the test on line 60 found it free under a lock released since`
	return nil
}

// Near-miss: the fix decides and sets under one lock.
func (l *nodeLease) AcquireFixed(node string, now time.Time) leaseGrant {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder != "" && l.holder != node && now.Before(l.expires) {
		return leaseGrant{Granted: false, Holder: l.holder}
	}
	l.holder = node
	l.expires = now.Add(l.TTL)
	return leaseGrant{Granted: true, Holder: node}
}

// Near-miss: the setter looks again under its own lock.
func (l *nodeLease) grantIfFree(holder string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder == "" {
		l.holder, l.expires = holder, until
	}
}

func (l *nodeLease) TryAcquireChecked(node string, now time.Time) error {
	if h := l.Holder(); h != "" && h != node {
		return errLeaseHeld
	}
	l.grantIfFree(node, now.Add(l.TTL))
	return nil
}

// Near-miss: the function takes the lock again and reads the holder
// before it sets it: a second look.
func (l *nodeLease) AcquireRechecked(node string) error {
	if h := l.Holder(); h != "" {
		return errLeaseHeld
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder != "" {
		return errLeaseHeld
	}
	l.holder = node
	return nil
}

// Near-miss: nothing refuses where the holder is someone: a takeover.
func (l *nodeLease) Steal(node string) string {
	prev := l.Holder()
	l.grant(node, time.Time{})
	return prev
}

// Near-miss: a cache filled after a miss, the found value handed back as
// the answer: no refusal, a fill (temporal's namespace data, go-micro's
// cached service, dubbo-go's sticky invoker).
type coordinatorCache struct {
	mu     sync.RWMutex
	broker string
	lookup func() (string, error)
}

func (c *coordinatorCache) Coordinator() (string, error) {
	c.mu.RLock()
	broker := c.broker
	c.mu.RUnlock()
	if broker != "" {
		return broker, nil
	}
	b, err := c.lookup()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.broker = b
	c.mu.Unlock()
	return b, nil
}

// Near-miss: the second look is a read under the write lock, held until
// the set (IBM/sarama's offset manager coordinator).
func (c *coordinatorCache) CoordinatorChecked() (string, error) {
	c.mu.RLock()
	broker := c.broker
	c.mu.RUnlock()
	if broker != "" {
		return broker, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if broker := c.broker; broker != "" {
		return broker, errLeaseHeld
	}
	b, err := c.lookup()
	if err != nil {
		return "", err
	}
	c.broker = b
	return b, nil
}
