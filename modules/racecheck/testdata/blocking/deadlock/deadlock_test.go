// Package deadlock blocks every goroutine: with no timeout the runtime
// reports "all goroutines are asleep".
package deadlock

import "testing"

func TestReceivesNothing(t *testing.T) {
	ch := make(chan int)
	<-ch
}
