// Package t17 manages shared, reference-counted decoder instances in a media
// transcoding service. A decoder for a given codec profile is costly to
// create, so the Pool hands out the same *Decoder to concurrent jobs and
// counts references with an atomic.Int32; when the last job releases it,
// the decoder frees its native buffers. Transcoding jobs run on a worker pool
// and call Acquire/Release concurrently; the pool's map is guarded by a
// mutex held for the whole of Acquire (Release does not take it).
//
// BUG (check-then-act on an atomic reference count): the check is
// d.refs.Load() > 0 in tryRetain ("is this decoder still alive?"), the act is
// d.refs.Add(1). Between them, the last holder's Release can drop the count
// to zero and free the decoder. The acquiring worker then increments 0 -> 1
// and uses a closed decoder (use-after-free of its buffers; here,
// ErrDecoderClosed on every frame); its later Release drives the count to
// zero again and calls free a second time.
package t17

import (
	"errors"
	"sync"
	"sync/atomic"
)

// ErrDecoderClosed is returned when a freed decoder is used.
var ErrDecoderClosed = errors.New("decoder: closed")

// Decoder is a shared decoding context.
type Decoder struct {
	Profile string
	refs    atomic.Int32
	closed  atomic.Bool
	freed   atomic.Int32 // number of times free ran; must stay <= 1
}

// Decode decodes one frame.
func (d *Decoder) Decode(frame []byte) ([]byte, error) {
	if d.closed.Load() {
		return nil, ErrDecoderClosed
	}
	return frame, nil // real work elided
}

func (d *Decoder) free() {
	d.closed.Store(true)
	d.freed.Add(1) // release native buffers (elided)
}

func (d *Decoder) tryRetain() bool {
	if d.refs.Load() <= 0 {
		return false
	}
	d.refs.Add(1)
	return true
}

// Release drops one reference, freeing the decoder on the last one.
func (d *Decoder) Release() {
	if d.refs.Add(-1) == 0 {
		d.free()
	}
}

// Pool shares decoders by profile.
type Pool struct {
	mu       sync.Mutex
	decoders map[string]*Decoder
}

// Acquire returns a retained decoder for profile, creating a new one if
// there is none or the cached one has been released.
func (p *Pool) Acquire(profile string) *Decoder {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.decoders[profile]; d != nil && d.tryRetain() {
		return d
	}
	nd := &Decoder{Profile: profile}
	nd.refs.Store(1)
	if p.decoders == nil {
		p.decoders = make(map[string]*Decoder)
	}
	p.decoders[profile] = nd
	return nd
}

// RunJobs transcodes each job's frames on n worker goroutines.
func RunJobs(p *Pool, profile string, jobs [][][]byte, n int) {
	ch := make(chan [][]byte)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for frames := range ch {
				d := p.Acquire(profile)
				for _, f := range frames {
					if _, err := d.Decode(f); err != nil {
						break
					}
				}
				d.Release()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}
