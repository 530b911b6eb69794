package checkthenact

import (
	"errors"
	"sync"
)

// A check and a write written with one key variable, where the variable
// has a new value on every path between them, are made on different keys.
// nspcc-dev/neo-go pkg/core/dao/dao.go at 4b67ae6e: DeleteBlock copies each
// transaction's hash into one key buffer, deletes the record, then reads
// the transaction's conflict record through the same buffer; the next
// iteration's delete is of the next transaction.
type kvStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

var errKeyNotFound = errors.New("key not found")

func (s *kvStore) Get(key []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[string(key)]
	if !ok {
		return nil, errKeyNotFound
	}
	return v, nil
}

func (s *kvStore) Put(key, value []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[string(key)] = value
}

func (s *kvStore) Delete(key []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, string(key))
}

func deleteTransactions(s *kvStore, txs [][]byte, conflicts [][][]byte) (int, error) {
	key := make([]byte, 33)
	n := 0
	for i, tx := range txs {
		copy(key[1:], tx)
		s.Delete(key)
		for _, hash := range conflicts[i] {
			copy(key[1:], hash)
			v, err := s.Get(key)
			if err != nil {
				return 0, err
			}
			if v[0] != 1 {
				continue
			}
			n++
		}
	}
	return n, nil
}

// The range loop's variable is the next key in the next iteration.
func deleteEach(s *kvStore, keys [][]byte, rounds int) (int, error) {
	n := 0
	for _, k := range keys {
		s.Delete(k)
		for range rounds {
			v, err := s.Get(k)
			if err != nil {
				return 0, err
			}
			if v[0] != 1 {
				continue
			}
			n++
		}
	}
	return n, nil
}

// Near-miss: a key set once before the loop is the same in every
// iteration; the delete of the next one takes what the check found.
func deleteRepeatedly(s *kvStore, key []byte, conflicts [][][]byte) (int, error) {
	n := 0
	for i := range conflicts {
		s.Delete(key) // want `s.Delete\(key\) after s.Get\(key\) on line 90 takes the loaded entry`
		for range conflicts[i] {
			v, err := s.Get(key)
			if err != nil {
				return 0, err
			}
			if v[0] != 1 {
				continue
			}
			n++
		}
	}
	return n, nil
}
