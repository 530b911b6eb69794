package lockedmaps

import "sync"

// A slot reserved in the map itself under the size check's lock: the
// later inserts, through helpers that lock, replace it and cannot grow the
// map (centrifugal/centrifuge client.go at 1d8f99f1: Subscribe reserves
// c.channels[channel] under c.mu, then subscribeCmd and
// commitSubscription write it again).
type channelCtx struct {
	subscribing chan struct{}
	gen         uint64
}

type subClient struct {
	mu       sync.Mutex
	channels map[string]channelCtx
	gen      uint64
}

func (c *subClient) commit(ch string, ctx channelCtx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.channels[ch] = ctx
}

func (c *subClient) Subscribe(ch string, limit int) bool {
	c.mu.Lock()
	if len(c.channels) >= limit {
		c.mu.Unlock()
		return false
	}
	c.gen++
	c.channels[ch] = channelCtx{subscribing: make(chan struct{}), gen: c.gen}
	c.mu.Unlock()
	c.commit(ch, channelCtx{gen: c.gen})
	return true
}

// Near-miss: with no reservation the helper's insert is the one the bound
// keeps.
func (c *subClient) SubscribeUnreserved(ch string, limit int) bool {
	c.mu.Lock()
	if len(c.channels) >= limit {
		c.mu.Unlock()
		return false
	}
	c.mu.Unlock()
	c.commit(ch, channelCtx{}) // want `c.commit\(…\), which inserts into c.channels under its lock, after len\(c.channels\) on line 44 is decided by c.channels's length`
	return true
}

// An insert, then the same insert again (mochi-mqtt server.go at 5b7f94b:
// publishToClient sets an inflight packet, then sets it once more with a
// new expiry): the second replaces the first, and only the first can grow
// the map.
type inflight struct {
	mu      sync.Mutex
	packets map[uint16]int64
}

func (i *inflight) Len() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return len(i.packets)
}

func (i *inflight) Set(id uint16, expiry int64) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.packets[id] = expiry
}

func (i *inflight) publish(id uint16, max int, noQuota bool) bool {
	if i.Len() >= max {
		return false
	}
	i.Set(id, 1) // want `i.Set\(…\), which inserts into i.packets under its lock, after i.Len\(\) on line 75 is decided by i.packets's length`
	if noQuota {
		i.Set(id, 1)
	}
	return true
}
