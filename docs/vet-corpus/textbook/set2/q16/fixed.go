package q16

import "sync"

type lazyClientFixed struct {
	once   sync.Once
	client *Client
	err    error
}

// FactoryFixed is shared by all request goroutines.
type FactoryFixed struct {
	clients sync.Map // endpoint -> *lazyClientFixed
}

// GetFixed uses LoadOrStore so every caller ends up with the same entry.
func (f *FactoryFixed) GetFixed(endpoint string) (*Client, error) {
	v, ok := f.clients.Load(endpoint)
	if !ok {
		v, _ = f.clients.LoadOrStore(endpoint, &lazyClientFixed{})
	}
	lc := v.(*lazyClientFixed)
	lc.once.Do(func() { lc.client, lc.err = dial(endpoint) })
	return lc.client, lc.err
}

func (f *FactoryFixed) CloseFixed() {
	f.clients.Range(func(k, v any) bool {
		lc := v.(*lazyClientFixed)
		lc.once.Do(func() {}) // wait for an in-progress dial
		if lc.client != nil {
			lc.client.Close()
		}
		f.clients.Delete(k)
		return true
	})
}
