// Package parallel is a fixture: one parallel test races, the tests running
// beside it are innocent.
package parallel

import (
	"sync"
	"testing"
	"time"
)

var shared int

func TestInnocentA(t *testing.T) {
	t.Parallel()
	time.Sleep(200 * time.Millisecond)
}

func TestInnocentB(t *testing.T) {
	t.Parallel()
	time.Sleep(200 * time.Millisecond)
}

func TestGuilty(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shared++
		}()
	}
	wg.Wait()
	time.Sleep(100 * time.Millisecond)
}
