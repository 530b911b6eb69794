package kubernetes114070

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// fakeProcess exits on its own after some work, or when it is killed.
type fakeProcess struct {
	once   sync.Once
	exited chan struct{}
	killed bool
	mu     sync.Mutex
}

func startProcess(work int) *fakeProcess {
	p := &fakeProcess{exited: make(chan struct{})}
	go func() {
		for range work {
			runtime.Gosched()
		}
		p.once.Do(func() { close(p.exited) })
	}()
	return p
}

func (p *fakeProcess) Wait() error {
	<-p.exited
	return nil
}

func (p *fakeProcess) Kill() {
	p.mu.Lock()
	p.killed = true
	p.mu.Unlock()
	p.once.Do(func() { close(p.exited) })
}

func TestStopGracefully(t *testing.T) {
	p := startProcess(10)
	if err := Stop(p, 200*time.Microsecond); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Logf("killed after the grace period: %v", p.killed)
}
