// Package t18 is the segment layer of a search indexer. A background merger
// compacts small segments into block-encoded ones whose byte buffers come
// from a shared pool and go back to it when the segment is no longer used.
//
// Concurrency: query goroutines call Index.Search, which pins each live
// segment with an atomic reference count while reading it; the ingest
// goroutine calls Flush. Start launches the merger goroutine, which swaps
// merged segments in under ix.mu and then drops the index's own reference on
// the old ones; the last drop runs the onZero hook, releasing the buffer.
//
// BUG: Search copies the segment list; openReaders skips segments whose
// count is already zero (alive) before newReader pins them with retain. The
// merger can drop the last reference between the alive check and the
// retain, and the reader resurrects a count of zero (check -> act).
//
// HARM: the query reads a buffer already back in the pool, and its final
// drop hits zero a second time, pooling the buffer twice: two later segments
// share one buffer and silently corrupt each other's postings.
package t18

import (
	"context"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"
)

// DocID identifies a document.
type DocID uint32

// Segment is an immutable, searchable part of the index.
type Segment interface {
	Search(term string) []DocID
	Each(fn func(term string, docs []DocID))
	Release()
}

type memSegment struct{ postings map[string][]DocID }

func (m *memSegment) Search(term string) []DocID { return m.postings[term] }
func (m *memSegment) Each(fn func(string, []DocID)) {
	for t, d := range m.postings {
		fn(t, d)
	}
}
func (m *memSegment) Release() {}

type span struct{ off, n int }

// blockSegment stores postings as little-endian uint32s in a pooled buffer.
type blockSegment struct {
	buf  []byte
	dict map[string]span
}

func (b *blockSegment) Search(term string) []DocID {
	sp, ok := b.dict[term]
	if !ok {
		return nil
	}
	out := make([]DocID, sp.n)
	for i := range out {
		out[i] = DocID(binary.LittleEndian.Uint32(b.buf[sp.off+4*i:]))
	}
	return out
}
func (b *blockSegment) Each(fn func(string, []DocID)) {
	for t := range b.dict {
		fn(t, b.Search(t))
	}
}
func (b *blockSegment) Release() { putBlockBuf(b.buf) }

var blockBufs sync.Pool // *[]byte

func getBlockBuf() []byte {
	if p, ok := blockBufs.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}
func putBlockBuf(b []byte) { blockBufs.Put(&b) }

type segRef struct {
	seg    Segment
	refs   atomic.Int64
	onZero func(Segment)
}

func newSegRef(s Segment) *segRef {
	r := &segRef{seg: s, onZero: Segment.Release}
	r.refs.Store(1) // the index's own reference
	return r
}

func (r *segRef) alive() bool { return r.refs.Load() > 0 }
func (r *segRef) retain()     { r.refs.Add(1) }
func (r *segRef) drop() {
	if r.refs.Add(-1) == 0 {
		r.onZero(r.seg)
	}
}

type reader struct{ ref *segRef }

func newReader(r *segRef) *reader { r.retain(); return &reader{ref: r} }
func (rd *reader) Close()         { rd.ref.drop() }

// Index is a set of segments.
type Index struct {
	mu   sync.RWMutex
	segs []*segRef
}

// Flush adds a freshly built in-memory segment.
func (ix *Index) Flush(postings map[string][]DocID) {
	ix.mu.Lock()
	ix.segs = append(ix.segs, newSegRef(&memSegment{postings: postings}))
	ix.mu.Unlock()
}

func (ix *Index) view() []*segRef {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return append([]*segRef(nil), ix.segs...)
}

func openReaders(refs []*segRef) []*reader {
	rs := make([]*reader, 0, len(refs))
	for _, r := range refs {
		if r.alive() {
			rs = append(rs, newReader(r))
		}
	}
	return rs
}

// Search returns the IDs of documents containing term.
func (ix *Index) Search(ctx context.Context, term string) ([]DocID, error) {
	readers := openReaders(ix.view())
	defer func() {
		for _, rd := range readers {
			rd.Close()
		}
	}()
	var out []DocID
	for _, rd := range readers {
		out = append(out, rd.ref.seg.Search(term)...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Start runs the merger until ctx is cancelled. Call it once.
func (ix *Index) Start(ctx context.Context, every time.Duration, maxSegs int) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if old := ix.view(); len(old) > maxSegs {
					ix.merge(old)
				}
			}
		}
	}()
}

func (ix *Index) merge(old []*segRef) {
	merged := encode(old)
	// Only this goroutine removes segments; Flush only appends after them.
	ix.mu.Lock()
	ix.segs = append([]*segRef{newSegRef(merged)}, ix.segs[len(old):]...)
	ix.mu.Unlock()
	for _, r := range old {
		r.drop()
	}
}

func encode(refs []*segRef) *blockSegment {
	all := map[string][]DocID{}
	for _, r := range refs {
		r.seg.Each(func(t string, d []DocID) { all[t] = append(all[t], d...) })
	}
	b := &blockSegment{buf: getBlockBuf(), dict: make(map[string]span, len(all))}
	for t, docs := range all {
		b.dict[t] = span{off: len(b.buf), n: len(docs)}
		for _, d := range docs {
			b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(d))
		}
	}
	return b
}
