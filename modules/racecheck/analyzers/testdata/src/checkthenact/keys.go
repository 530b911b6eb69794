package checkthenact

// Keys built in place: the check and the write compute the same key from
// the same operands.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

const keyDelimiter = "."

var errAlreadyExist = errors.New("already exist in DB")

type memKVStore struct{ data sync.Map }

// iotex-core db/db.go at 505ade9ad^ (fixed in 505ade9ad, "Updated
// PutIfNotExists method for memory kv to make it safe for concurrent
// use", iotex-core#14): the key is a concatenation with a conversion in it,
// written out again at the Store. Two racing PutIfNotExists of one key both
// succeed, and the first value is lost.
func (m *memKVStore) PutIfNotExists(namespace string, key []byte, value []byte) error {
	_, ok := m.data.Load(namespace + keyDelimiter + string(key))
	if !ok {
		m.data.Store(namespace+keyDelimiter+string(key), value) // want `runs only when the check found no entry`
		return nil
	}
	return errAlreadyExist
}

// A key formatted by a function of its operands alone is the same key when
// the operands are.
func (m *memKVStore) putFormatted(tenant string, id int, value []byte) error {
	if _, ok := m.data.Load(fmt.Sprintf("%s/%d", tenant, id)); ok {
		return errAlreadyExist
	}
	m.data.Store(fmt.Sprintf("%s/%d", tenant, id), value) // want `runs only when the check found no entry`
	return nil
}

func (m *memKVStore) putLower(name string, value []byte) error {
	if _, ok := m.data.Load(strings.ToLower(strconv.Quote(name))); ok {
		return errAlreadyExist
	}
	m.data.Store(strings.ToLower(strconv.Quote(name)), value) // want `runs only when the check found no entry`
	return nil
}

// Near-misses: different operands, a different function, a call that
// returns something new each time, and a different conversion are
// different keys.
func (m *memKVStore) putOther(namespace string, key, other []byte, value []byte) error {
	if _, ok := m.data.Load(namespace + keyDelimiter + string(key)); ok {
		return errAlreadyExist
	}
	m.data.Store(namespace+keyDelimiter+string(other), value)
	return nil
}

func (m *memKVStore) putUpper(name string, value []byte) error {
	if _, ok := m.data.Load(strings.ToLower(name)); ok {
		return errAlreadyExist
	}
	m.data.Store(strings.ToUpper(name), value)
	return nil
}

var seq int

func nextKey(prefix string) string { seq++; return prefix + strconv.Itoa(seq) }

func (m *memKVStore) putNext(prefix string, value []byte) error {
	if _, ok := m.data.Load(nextKey(prefix)); ok {
		return errAlreadyExist
	}
	m.data.Store(nextKey(prefix), value)
	return nil
}

func (m *memKVStore) putStamped(prefix string, value []byte) error {
	if _, ok := m.data.Load(prefix + time.Now().String()); ok {
		return errAlreadyExist
	}
	m.data.Store(prefix+time.Now().String(), value)
	return nil
}

type label string

// In a map keyed by any, a label and a string with the same text are
// different keys.
func (m *memKVStore) putLabel(id int, value []byte) error {
	if _, ok := m.data.Load(label(strconv.Itoa(id))); ok {
		return errAlreadyExist
	}
	m.data.Store(strconv.Itoa(id), value)
	return nil
}
