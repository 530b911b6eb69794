// Fix: StopFixed moves Running -> Stopped with a single CompareAndSwap, so
// exactly one caller wins the transition and only that caller closes quit.

package t03

import (
	"log"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// FlusherFixed periodically calls flush until stopped.
type FlusherFixed struct {
	state    atomic.Int32
	quit     chan struct{}
	done     chan struct{}
	interval time.Duration
	flush    func() error
	logger   *log.Logger
}

// NewFlusherFixed returns an idle flusher.
func NewFlusherFixed(interval time.Duration, flush func() error, logger *log.Logger) *FlusherFixed {
	return &FlusherFixed{
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		interval: interval,
		flush:    flush,
		logger:   logger,
	}
}

// Start launches the flush loop. It may be called once.
func (f *FlusherFixed) Start() error {
	if !f.state.CompareAndSwap(stateIdle, stateRunning) {
		return ErrNotIdle
	}
	go f.loop()
	go f.stopOnSignal()
	return nil
}

// StopFixed asks the loop to perform a final flush and exit. It reports
// whether this call initiated the stop.
func (f *FlusherFixed) StopFixed() bool {
	if !f.state.CompareAndSwap(stateRunning, stateStopped) {
		return false
	}
	close(f.quit)
	return true
}

// Done is closed once the loop has exited.
func (f *FlusherFixed) Done() <-chan struct{} { return f.done }

func (f *FlusherFixed) stopOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	select {
	case s := <-sig:
		f.logger.Printf("flusher: received %v, stopping", s)
		f.StopFixed()
	case <-f.done:
	}
}

func (f *FlusherFixed) loop() {
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
					go f.StopFixed()
				}
				continue
			}
			failures = 0
		}
	}
}
