// Package failing is a fixture with a failing test.
package failing

import "testing"

func TestFails(t *testing.T) { t.Fatal("fixture failure") }
