package zglob24

import "testing"

func TestGlobUnreadableDirectory(t *testing.T) {
	dirs := []Dir{
		{Files: []string{"a/1.go", "a/2.go", "a/3.go"}},
		{Files: []string{"b/1.go"}, Err: ErrPermission},
		{Files: []string{"c/1.go", "c/2.go"}},
	}
	found, err := Glob(dirs)
	if err == nil {
		// The walkers were all done before the error was noticed.
		if len(found) != 6 {
			t.Fatalf("Glob found %d files, want 6", len(found))
		}
		return
	}
	if err != ErrPermission {
		t.Fatalf("Glob() error = %v, want %v", err, ErrPermission)
	}
}
