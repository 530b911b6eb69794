// Package t03 is the background metrics flusher of an ingestion service. A
// Flusher goroutine pushes buffered metrics to the time-series backend on a
// ticker. Stop is called concurrently from several places: the SIGTERM handler
// goroutine, the admin HTTP endpoint POST /admin/flusher/stop, and the flush
// loop itself (via a goroutine) after too many consecutive backend failures.
//
// BUG (Stop: check = f.state.Load() == stateRunning -> act =
// f.state.Store(stateStopped); close(f.quit)): the lifecycle is an atomic
// state machine Idle -> Running -> Stopped, and Start uses CompareAndSwap
// correctly, but Stop reads and writes the state in two separate steps. Two
// concurrent Stop calls both observe Running and both close f.quit.
//
// Harm: "panic: close of closed channel" in whichever goroutine loses, which
// takes down the whole process, typically during a deploy (SIGTERM arriving
// while the loop is already giving up on a broken backend), and the final flush
// of buffered metrics is lost.
package t03

import (
	"errors"
	"log"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	stateIdle int32 = iota
	stateRunning
	stateStopped
)

const maxConsecutiveFailures = 5

// ErrNotIdle is returned by Start when the flusher was already started.
var ErrNotIdle = errors.New("flusher: already started")

// Flusher periodically calls flush until stopped.
type Flusher struct {
	state    atomic.Int32
	quit     chan struct{}
	done     chan struct{}
	interval time.Duration
	flush    func() error
	logger   *log.Logger
}

// NewFlusher returns an idle flusher.
func NewFlusher(interval time.Duration, flush func() error, logger *log.Logger) *Flusher {
	return &Flusher{
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		interval: interval,
		flush:    flush,
		logger:   logger,
	}
}

// Start launches the flush loop. It may be called once.
func (f *Flusher) Start() error {
	if !f.state.CompareAndSwap(stateIdle, stateRunning) {
		return ErrNotIdle
	}
	go f.loop()
	go f.stopOnSignal()
	return nil
}

// Stop asks the loop to perform a final flush and exit. It reports whether
// this call initiated the stop.
func (f *Flusher) Stop() bool {
	if f.state.Load() != stateRunning {
		return false
	}
	f.state.Store(stateStopped)
	close(f.quit)
	return true
}

// Done is closed once the loop has exited.
func (f *Flusher) Done() <-chan struct{} { return f.done }

func (f *Flusher) stopOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	select {
	case s := <-sig:
		f.logger.Printf("flusher: received %v, stopping", s)
		f.Stop()
	case <-f.done:
	}
}

func (f *Flusher) loop() {
	defer close(f.done)
	t := time.NewTicker(f.interval)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-f.quit:
			if err := f.flush(); err != nil {
				f.logger.Printf("flusher: final flush failed: %v", err)
			}
			return
		case <-t.C:
			if err := f.flush(); err != nil {
				failures++
				f.logger.Printf("flusher: flush failed (%d in a row): %v", failures, err)
				if failures == maxConsecutiveFailures {
					go f.Stop() // give up; the loop still drains on quit
				}
				continue
			}
			failures = 0
		}
	}
}
