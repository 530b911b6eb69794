package checkthenact

import (
	"fmt"
	"sync"
)

// AdguardTeam/dnsproxy proxy/pending.go at e6e0ae09: the first of
// concurrent identical queries stores its pending request with
// LoadOrStore; only that one later finishes it, loading it, deleting it
// and closing its channel. The finisher panics when the entry is not
// there: it asserts that the entry is its own, so no other goroutine
// takes it in between.
type pendingQuery struct {
	finish chan struct{}
	answer string
}

type pendingQueries struct {
	storage sync.Map
}

func (pr *pendingQueries) queue(key string) (*pendingQuery, bool) {
	v, loaded := pr.storage.LoadOrStore(key, &pendingQuery{finish: make(chan struct{})})
	return v.(*pendingQuery), loaded
}

func (pr *pendingQueries) done(key, answer string) {
	v, ok := pr.storage.Load(key)
	if !ok {
		panic(fmt.Sprintf("finishing pending query %q: not pending", key))
	}
	p := v.(*pendingQuery)
	p.answer = answer
	pr.storage.Delete(key)
	close(p.finish)
}

// A finisher that tolerates a missing entry asserts nothing: two can
// both load it, and both close its channel.
func (pr *pendingQueries) doneIfPending(key, answer string) {
	v, ok := pr.storage.Load(key)
	if !ok {
		return
	}
	p := v.(*pendingQuery)
	p.answer = answer
	pr.storage.Delete(key) // want `pr.storage.Delete\(key\) after pr.storage.Load\(key\) on line 42 takes the loaded entry`
	close(p.finish)
}
