// Package outside is a fixture with a race in TestMain, outside any test.
package outside

import (
	"os"
	"testing"
)

var shared int

func TestMain(m *testing.M) {
	done := make(chan struct{})
	go func() {
		shared = 1
		close(done)
	}()
	shared = 2
	<-done
	os.Exit(m.Run())
}

func TestNothing(t *testing.T) {}
