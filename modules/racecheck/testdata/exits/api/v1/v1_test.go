// Package v1 sits in a directory named v1, which go test -c does not treat
// as a major version suffix: its test binary is v1.test, not api.test.
package v1

import "testing"

func TestVersionOne(t *testing.T) {
	t.Fatal("api/v1: this test fails")
}
