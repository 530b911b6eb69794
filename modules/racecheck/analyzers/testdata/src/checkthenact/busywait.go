package checkthenact

import "sync"

// A call in flight for a key, waited on and then replaced with no second
// look (the sync.Map form of mholt/photobak#5): every goroutine that waited
// on one call starts its own, and each stores it over the others'.
type flight struct {
	wg  sync.WaitGroup
	val string
}

type flights struct{ calls sync.Map }

func (f *flights) do(key string, fn func() string) string {
	if c, ok := f.calls.Load(key); ok {
		c.(*flight).wg.Wait()
	}
	c := &flight{}
	c.wg.Add(1)
	f.calls.Store(key, c) // want `f.calls.Store\(key\) after f.calls.Load\(key\) on line 16 waits on the entry the check found, then stores without looking again, but is not atomic with it: another goroutine can wait on the same entry and store key in between, and both go on as its holder; use a loop of LoadOrStore that waits on the entry it finds and tries again, until it stores its own`
	c.val = fn()
	c.wg.Done()
	f.calls.Delete(key)
	return c.val
}

// The fix: LoadOrStore in a loop, waiting on what it finds.
func (f *flights) doLoop(key string, fn func() string) string {
	c := &flight{}
	c.wg.Add(1)
	for {
		old, loaded := f.calls.LoadOrStore(key, c)
		if !loaded {
			break
		}
		old.(*flight).wg.Wait()
	}
	c.val = fn()
	c.wg.Done()
	f.calls.Delete(key)
	return c.val
}
