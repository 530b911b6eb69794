// Fix: the get-or-create publishes with sync.Map.LoadOrStore, so exactly one
// *Counter per name ever becomes visible and every caller gets that one; a
// losing goroutine's freshly allocated counter is simply discarded.

package t01

import "net/http"

// CounterFixed returns the counter called name, creating it on first use.
func (r *Registry) CounterFixed(name string) *Counter {
	if c, ok := r.counters.Load(name); ok {
		return c.(*Counter)
	}
	actual, _ := r.counters.LoadOrStore(name, &Counter{name: name, help: r.helpText[name]})
	return actual.(*Counter)
}

// InstrumentFixed counts requests to next under route.
func (r *Registry) InstrumentFixed(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.CounterFixed("http_requests_total_" + route).Inc()
		next.ServeHTTP(w, req)
	})
}
