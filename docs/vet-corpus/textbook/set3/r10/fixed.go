package r10

import (
	"os"
	"sync"
	"sync/atomic"
)

// SegmentFixed only increments a reference count it has just observed to
// be positive, using CompareAndSwap, so a released segment can never be
// resurrected.
type SegmentFixed struct {
	path string
	f    *os.File
	refs atomic.Int32
}

func OpenSegmentFixed(path string) (*SegmentFixed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &SegmentFixed{path: path, f: f}
	s.refs.Store(1)
	return s, nil
}

func (s *SegmentFixed) Acquire() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (s *SegmentFixed) Release() {
	if s.refs.Add(-1) == 0 {
		_ = s.f.Close()
	}
}

func (s *SegmentFixed) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

type StoreFixed struct {
	mu   sync.RWMutex
	segs []*SegmentFixed
}

func (st *StoreFixed) Read(i int, p []byte, off int64) (int, error) {
	st.mu.RLock()
	if i >= len(st.segs) {
		st.mu.RUnlock()
		return 0, ErrSegmentGone
	}
	seg := st.segs[i]
	st.mu.RUnlock()

	if !seg.Acquire() {
		return 0, ErrSegmentGone
	}
	defer seg.Release()
	return seg.ReadAt(p, off)
}

func (st *StoreFixed) Replace(newSegs []*SegmentFixed) {
	st.mu.Lock()
	old := st.segs
	st.segs = newSegs
	st.mu.Unlock()
	for _, s := range old {
		s.Release()
	}
}
