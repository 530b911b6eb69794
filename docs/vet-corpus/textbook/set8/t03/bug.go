// Package t03 implements the admission limiter of a video-transcoding
// service. Each transcode spawns a heavyweight encoder that needs ~2 GiB of
// RAM, so the node must never run more than MaxInFlight at once.
//
// Concurrency: N consumer goroutines (one per queue partition) pull jobs and
// call Limiter.TryStart; a finished encoder calls Done from its own
// goroutine. A metrics goroutine reads InFlight.
//
// BUG: TryStart reads the atomic counter (Load) and compares it to the
// limit (CHECK), and then increments it with a separate Add (ACT). Two
// consumers can both Load max-1, both pass, and both Add.
//
// HARM: the limit is exceeded (max+k encoders run); on a node sized for
// MaxInFlight encoders this triggers the OOM killer, killing all running
// transcodes, not just the extra ones.
package t03

import (
	"context"
	"log"
	"sync/atomic"
	"time"
)

// Job is one transcode request.
type Job struct {
	ID     string
	Source string
	Preset string
}

// Encoder runs a transcode to completion.
type Encoder func(ctx context.Context, j Job) error

// Limiter bounds the number of concurrently running encoders.
type Limiter struct {
	MaxInFlight int64
	inFlight    atomic.Int64
	rejected    atomic.Int64
}

// TryStart reserves an encoder slot if one is free.
func (l *Limiter) TryStart() bool {
	if l.inFlight.Load() >= l.MaxInFlight { // CHECK
		l.rejected.Add(1)
		return false
	}
	l.inFlight.Add(1) // ACT: another consumer may have incremented meanwhile
	return true
}

// Done releases a slot.
func (l *Limiter) Done() { l.inFlight.Add(-1) }

// InFlight is read by the metrics exporter.
func (l *Limiter) InFlight() int64 { return l.inFlight.Load() }

// Consume is run by each partition consumer goroutine.
func Consume(ctx context.Context, l *Limiter, jobs <-chan Job, requeue func(Job), enc Encoder) {
	for {
		select {
		case <-ctx.Done():
			return
		case j, ok := <-jobs:
			if !ok {
				return
			}
			if !l.TryStart() {
				requeue(j)
				time.Sleep(50 * time.Millisecond)
				continue
			}
			go func(j Job) {
				defer l.Done()
				if err := enc(ctx, j); err != nil {
					log.Printf("transcode %s failed: %v", j.ID, err)
				}
			}(j)
		}
	}
}

// RunConsumers starts one consumer per partition.
func RunConsumers(ctx context.Context, l *Limiter, parts []<-chan Job, requeue func(Job), enc Encoder) {
	for _, p := range parts {
		go Consume(ctx, l, p, requeue, enc)
	}
}
