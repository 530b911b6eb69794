// Package exitzero calls os.Exit(0) inside a test, which would end the
// binary with a passing status.
package exitzero

import (
	"os"
	"testing"
)

func TestExitsZero(t *testing.T) { os.Exit(0) }
