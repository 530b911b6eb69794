package checkthenact

import (
	"errors"
	"sync"
)

// One check, and a write in each branch of what follows it: the writes are
// alternatives of one decision, one check-then-act fixed once, reported once
// at the first with the others' lines (ergo's registerType, f5ff7ed,
// net/edf/register.go:174, stores its encoder in eighteen cases).

var errRegistered = errors.New("registered")

type codec struct{ kind int }

var codecs sync.Map

func registerCodec(name string, kind int) error {
	if _, found := codecs.Load(name); found {
		return errRegistered
	}
	switch kind {
	case 0:
		codecs.Store(name, &codec{kind: 0}) // want `codecs.Store\(name\) after codecs.Load\(name\) on line 20 runs only when the check found no entry.* \(the same holds for the writes on lines 27, 29\)$`
	case 1:
		codecs.Store(name, &codec{kind: 1})
	default:
		codecs.Store(name, &codec{kind: kind})
	}
	return nil
}

// registerCodecQuiet: a write silenced by the author is left out, and the
// others are still reported.
func registerCodecQuiet(name string, kind int) error {
	if _, found := codecs.Load(name); found {
		return errRegistered
	}
	switch kind {
	case 0:
		codecs.Store(name, &codec{kind: 0}) //racecheck:ignore checkthenact -- kind 0 is registered in init only
	case 1:
		codecs.Store(name, &codec{kind: 1}) // want `codecs.Store\(name\) after codecs.Load\(name\) on line 37 .* \(the same holds for the writes on lines 46\)$`
	default:
		codecs.Store(name, &codec{kind: kind})
	}
	return nil
}

// registerCodecOnce: one write alone names no others.
func registerCodecOnce(name string, kind int) error {
	if _, found := codecs.Load(name); found {
		return errRegistered
	}
	codecs.Store(name, &codec{kind: kind}) // want `codecs.Store\(name\) after codecs.Load\(name\) on line 53 .*; use LoadOrStore and the value it returns$`
	return nil
}

// bumpOrDrop: two writes after one check that race differently (a lost
// update and a stale delete) are two findings, each with its own fix.
func bumpOrDrop(m *sync.Map, k string, drop bool) {
	v, ok := m.Load(k)
	if !ok {
		return
	}
	if drop && v.(int) == 0 {
		m.Delete(k) // want `m.Delete\(k\) after m.Load\(k\) on line 63 is decided by the loaded value.*use CompareAndDelete$`
		return
	}
	m.Store(k, v.(int)+1) // want `m.Store\(k\) after m.Load\(k\) on line 63 stores a value computed from the loaded one.*use a CompareAndSwap loop$`
}
