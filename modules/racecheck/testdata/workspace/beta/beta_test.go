// Package beta is the racy module of the workspace fixture.
package beta

import "testing"

func TestBetaRace(t *testing.T) {
	x := 0
	done := make(chan struct{})
	go func() {
		x = 1
		close(done)
	}()
	x = 2
	<-done
	_ = x
}
