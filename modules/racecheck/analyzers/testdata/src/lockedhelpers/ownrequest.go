package lockedhelpers

import (
	"net/http"
	"sync"
)

// go-chassis/go-chassis third_party/forked/afex/hystrix-go/hystrix/eventstream.go
// at 6bcf5150: the metrics stream handler registers an event channel under
// the request it serves and deletes it when the request ends. net/http
// hands each request to one handler call, so no other goroutine touches
// that entry in between.
type streamHandler struct {
	mu       sync.RWMutex
	requests map[*http.Request]chan []byte
}

func (sh *streamHandler) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	events := sh.register(req)
	defer sh.unregister(req)
	for event := range events {
		rw.Write(event)
	}
}

func (sh *streamHandler) register(req *http.Request) <-chan []byte {
	sh.mu.RLock()
	events, ok := sh.requests[req]
	sh.mu.RUnlock()
	if ok {
		return events
	}
	events = make(chan []byte, 10)
	sh.mu.Lock()
	sh.requests[req] = events
	sh.mu.Unlock()
	return events
}

func (sh *streamHandler) unregister(req *http.Request) {
	sh.mu.Lock()
	delete(sh.requests, req)
	sh.mu.Unlock()
}

// Near-miss: a request handed to a function that is not its handler may
// be the one another goroutine streams too.
func (sh *streamHandler) forward(rw http.ResponseWriter, req *http.Request, flush bool) {
	events := sh.register(req)
	defer sh.unregister(req) // want `sh.unregister\(req\), which makes delete\(sh.requests, req\) under sh.mu through unregister`
	for event := range events {
		rw.Write(event)
	}
}
