package checkthenact

import "sync"

// golangci/golangci-lint pkg/goanalysis/runner_loadingpackage.go at
// 059cc527 (fixed in 7c8ce467, golangci-lint#5929): analyze starts one
// goroutine per analysis action, each probing the stop channel they share
// and closing it when its action failed. Two actions that fail together
// both find it open, and the second close panics.
type lintAction struct {
	err  error
	done chan struct{}
}

func (a *lintAction) run() {}

func analyzeActions(actions []*lintAction, stopChan chan struct{}) {
	var wg sync.WaitGroup
	wg.Add(len(actions))
	for _, act := range actions {
		go func(act *lintAction) {
			defer wg.Done()
			select {
			case <-stopChan:
				return
			default:
			}
			act.run()
			select {
			case <-stopChan:
				return
			default:
				if act.err != nil {
					close(stopChan) // want `close\(stopChan\) after the probe on line 29 found it open is not atomic with it: the function literal runs in every goroutine the go statement on line 21 starts in a loop`
				}
			}
		}(act)
	}
	wg.Wait()
}

// Near-miss: one goroutine, started once, is the only one to probe and
// close.
func analyzeOne(act *lintAction, stopChan chan struct{}) {
	go func() {
		act.run()
		select {
		case <-stopChan:
		default:
			close(stopChan)
		}
	}()
}

// Near-miss: each goroutine closes a channel of its own.
func analyzeEach(actions []*lintAction) {
	for _, act := range actions {
		go func() {
			done := make(chan struct{})
			act.run()
			select {
			case <-done:
			default:
				close(done)
			}
		}()
	}
}

// Near-miss: the probe and the close are made under one lock.
func analyzeLocked(actions []*lintAction, mu *sync.Mutex, stopChan chan struct{}) {
	for _, act := range actions {
		go func() {
			act.run()
			mu.Lock()
			defer mu.Unlock()
			select {
			case <-stopChan:
			default:
				close(stopChan)
			}
		}()
	}
}

// The same with the goroutines started by a group's Go.
type goGroup struct{ wg sync.WaitGroup }

func (g *goGroup) Go(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}

func analyzeGrouped(actions []*lintAction, stopChan chan struct{}) {
	var g goGroup
	for _, act := range actions {
		g.Go(func() {
			act.run()
			select {
			case <-stopChan:
			default:
				if act.err != nil {
					close(stopChan) // want `close\(stopChan\) after the probe on line 102 found it open is not atomic with it: the function literal runs in every goroutine the call of Go on line 100 starts in a loop`
				}
			}
		})
	}
	g.wg.Wait()
}
