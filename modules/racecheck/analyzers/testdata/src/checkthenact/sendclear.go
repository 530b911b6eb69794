package checkthenact

import "sync"

// A channel field used as its own once-flag: tested for nil, sent on, and
// cleared, with no lock, while the goroutine it signals closes it on the way
// out. goburrow/cache's localCache.Close at 21d2bacd (fixed in 826d0a15,
// goburrow/cache#4): two Closes both pass the test, and the second's send
// panics on the channel the worker closed after the first.
type localCache struct {
	closeCh chan struct{}
	adds    chan string
	mu      sync.Mutex
	once    sync.Once
}

func newLocalCache() *localCache {
	c := &localCache{adds: make(chan string), closeCh: make(chan struct{})}
	go c.processEntries()
	return c
}

func (c *localCache) processEntries() {
	defer close(c.closeCh)
	for {
		select {
		case <-c.adds:
		case <-c.closeCh:
			return
		}
	}
}

func (c *localCache) Close() error {
	if c.closeCh != nil {
		c.closeCh <- struct{}{} // want `send on c.closeCh after the nil test on line 35, with no lock held: two callers can both pass the test, and the channel can be closed between a test and its send \(sendclear.go:24 closes it`
		<-c.closeCh
		c.closeCh = nil
	}
	return nil
}

// The same with the test refusing first.
func (c *localCache) Stop() {
	if c.closeCh == nil {
		return
	}
	c.closeCh <- struct{}{} // want `send on c.closeCh after the nil test on line 45`
	<-c.closeCh
	c.closeCh = nil
}

// The fixes: a lock across the test, the send and the clearing, or a
// sync.Once.
func (c *localCache) closeGuarded() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeCh != nil {
		c.closeCh <- struct{}{}
		<-c.closeCh
		c.closeCh = nil
	}
}

func (c *localCache) closeOnce() {
	c.once.Do(func() {
		c.closeCh <- struct{}{}
		<-c.closeCh
	})
}

// Near-misses: a field not cleared after the send, a channel the package
// never closes, and a send the test does not guard.
func (c *localCache) Signal() {
	if c.closeCh != nil {
		c.closeCh <- struct{}{}
	}
}

type pinger struct{ pings chan int }

func (p *pinger) Ping(n int) {
	if p.pings != nil {
		p.pings <- n
		p.pings = nil
	}
}

func (c *localCache) Drain() {
	if c.closeCh == nil {
		c.adds = nil
	}
	c.closeCh <- struct{}{}
	c.closeCh = nil
}
