package t18

// Fixed version: IndexFixed.acquire pins every segment while it still holds
// ix.mu's read lock. The merger removes segments from the list under the
// write lock before it drops the index's reference, so any segment a query
// can still see has a count of at least one when it is retained; a count
// that reached zero can never be resurrected.

import (
	"context"
	"sync"
	"time"
)

// IndexFixed is a set of segments.
type IndexFixed struct {
	mu   sync.RWMutex
	segs []*segRef
}

// Flush adds a freshly built in-memory segment.
func (ix *IndexFixed) Flush(postings map[string][]DocID) {
	ix.mu.Lock()
	ix.segs = append(ix.segs, newSegRef(&memSegment{postings: postings}))
	ix.mu.Unlock()
}

// acquire returns a reader for every current segment, pinned under the lock.
func (ix *IndexFixed) acquire() []*reader {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	rs := make([]*reader, 0, len(ix.segs))
	for _, r := range ix.segs {
		rs = append(rs, newReader(r))
	}
	return rs
}

func (ix *IndexFixed) view() []*segRef {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return append([]*segRef(nil), ix.segs...)
}

// Search returns the IDs of documents containing term.
func (ix *IndexFixed) Search(ctx context.Context, term string) ([]DocID, error) {
	readers := ix.acquire()
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
func (ix *IndexFixed) Start(ctx context.Context, every time.Duration, maxSegs int) {
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

func (ix *IndexFixed) merge(old []*segRef) {
	merged := encode(old)
	// Only this goroutine removes segments; Flush only appends after them.
	ix.mu.Lock()
	ix.segs = append([]*segRef{newSegRef(merged)}, ix.segs[len(old):]...)
	ix.mu.Unlock()
	for _, r := range old {
		r.drop()
	}
}
