package spdystream49

import (
	"sync"
	"testing"
)

func TestCloseDuringWrites(t *testing.T) {
	c := NewConn()
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if err := c.Write("data"); err == ErrClosed {
					t.Logf("writer %d: closed after %d frames", w, i)
					return
				}
			}
		}()
	}
	c.Close()
	wg.Wait()
}
