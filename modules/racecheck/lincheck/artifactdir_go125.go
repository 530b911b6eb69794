//go:build !go1.26

package lincheck

import (
	"os"
	"testing"
)

// artifactDir returns a new temporary directory: testing.TB.ArtifactDir
// arrives in Go 1.26. The directory is kept after the test so the files
// announced with t.Attr can be read.
func artifactDir(testing.TB) (string, error) {
	return os.MkdirTemp("", "lincheck-")
}
