package t11

import "sync"

var (
	defaultClientFixed *Client
	defaultOnceFixed   sync.Once
)

// DefaultFixed returns the shared client. sync.Once guarantees dial runs
// exactly once and every caller observes the same, fully built client.
func DefaultFixed() *Client {
	defaultOnceFixed.Do(func() {
		defaultClientFixed = dial(Endpoint)
	})
	return defaultClientFixed
}
