//go:build go1.26

package lincheck

import "testing"

// artifactDir returns the test's artifact directory (go test -artifacts keeps
// it; otherwise it is removed after the test).
func artifactDir(t testing.TB) (string, error) {
	return t.ArtifactDir(), nil
}
