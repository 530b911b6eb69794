// Package pipeline is correct concurrent code: a stress run must stay clean.
package pipeline

import (
	"sync"
	"testing"
)

func square(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- v * v
		}
	}()
	return out
}

func TestPipeline(t *testing.T) {
	in := make(chan int)
	go func() {
		defer close(in)
		for i := range 100 {
			in <- i
		}
	}()
	var mu sync.Mutex
	sum := 0
	var wg sync.WaitGroup
	out := square(in)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range out {
				mu.Lock()
				sum += v
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if sum != 328350 {
		t.Fatalf("sum = %d", sum)
	}
}
