package checkthenact

import (
	"errors"
	"sync"
)

// pion/turn client.go at 50d4c3d1 (fixed in 3713a180, pion/turn#122): a
// transaction found in a map that locks inside each method, then deleted
// and handed its result. The read loop and the retransmission timer can
// both find one transaction and both deliver a result, and the client's
// Close, closing every transaction's channel in between, makes the send
// panic. Find returning (V, bool) is a Load-like check.
type turnTransaction struct{ result chan string }

func (t *turnTransaction) writeResult(r string) { t.result <- r }

type transactionMap struct {
	mu  sync.RWMutex
	trs map[string]*turnTransaction
}

func (m *transactionMap) Insert(key string, tr *turnTransaction) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trs[key] = tr
	return true
}

func (m *transactionMap) Find(key string) (*turnTransaction, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	tr, ok := m.trs[key]
	return tr, ok
}

func (m *transactionMap) Delete(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.trs, key)
}

type turnClient struct{ trMap *transactionMap }

func (c *turnClient) handleResponse(key, msg string) {
	tr, ok := c.trMap.Find(key)
	if !ok {
		return
	}
	c.trMap.Delete(key) // want `c.trMap.Delete\(key\) after c.trMap.Find\(key\) on line 46 takes the loaded entry`
	tr.writeResult(msg)
}

// A Find answering an error is a query of a store, not a check here.
var errNoRecord = errors.New("no record")

type recordBackend interface {
	Get(id string) (string, error)
	Del(id string)
}

type recordStore struct {
	mu      sync.Mutex
	backend recordBackend
}

func (s *recordStore) Find(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.backend.Get(id)
	if err != nil {
		return "", errNoRecord
	}
	return r, nil
}

func (s *recordStore) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.backend.Del(id)
}

func archive(s *recordStore, id string, out chan<- string) error {
	r, err := s.Find(id)
	if err != nil {
		return err
	}
	s.Delete(id)
	out <- r
	return nil
}
