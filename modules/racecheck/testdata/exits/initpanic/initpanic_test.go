// Package initpanic panics while its test binary initialises: no test runs.
package initpanic

import "testing"

var table map[string]int

func init() { table["x"] = 1 }

func TestNeverRuns(t *testing.T) {}

func TestNeverRunsEither(t *testing.T) {}
