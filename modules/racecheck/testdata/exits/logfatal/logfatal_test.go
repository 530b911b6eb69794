// Package logfatal calls log.Fatal inside a test, which exits the test
// binary without a test verdict.
package logfatal

import (
	"log"
	"testing"
)

func TestFatal(t *testing.T) { log.Fatal("logfatal: cannot continue") }
