// Package hangs is a fixture whose test never finishes.
package hangs

import (
	"testing"
	"time"
)

func TestHangs(t *testing.T) {
	time.Sleep(time.Hour)
}
