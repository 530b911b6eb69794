package experiments

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Claim 3: "GODEBUG=syncmapdebug=1 prints internal statistics."
// Verdict: false. No such setting exists in any Go release's runtime or sync
// package (the GODEBUG settings are listed in internal/godebugs/table.go and
// runtime/runtime1.go); unknown GODEBUG keys are silently ignored.

func TestClaim3SyncmapdebugPrintsNothing(t *testing.T) {
	exe := buildProgram(t, "syncmapdebug")
	plain := runProgram(t, exe, time.Minute, []string{"GODEBUG="})
	debug := runProgram(t, exe, time.Minute, []string{"GODEBUG=syncmapdebug=1"})
	t.Logf("without GODEBUG: stdout=%q stderr=%q", plain.Stdout, plain.Stderr)
	t.Logf("GODEBUG=syncmapdebug=1: stdout=%q stderr=%q", debug.Stdout, debug.Stderr)
	if plain.ExitCode != 0 || debug.ExitCode != 0 {
		t.Fatalf("exit codes %d and %d, want 0", plain.ExitCode, debug.ExitCode)
	}
	if plain.Stdout != debug.Stdout || debug.Stderr != "" {
		t.Error("GODEBUG=syncmapdebug=1 changed the program's output")
	}
}

func TestClaim3NoSuchSettingInTheToolchainSource(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src")
	table := filepath.Join(root, "internal", "godebugs", "table.go")
	if _, err := os.Stat(table); err != nil {
		t.Skipf("toolchain source not installed: %v", err)
	}
	var hits []string
	scanned := 0
	for _, dir := range []string{"sync", "internal/sync", "runtime", "internal/godebugs"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			scanned++
			if strings.Contains(strings.ToLower(string(b)), "syncmap") {
				hits = append(hits, p)
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	t.Logf("scanned %d Go files of sync, internal/sync, runtime and internal/godebugs in %s: %d mention \"syncmap\"", scanned, root, len(hits))
	if scanned < 100 {
		t.Errorf("scanned only %d files", scanned)
	}
	if len(hits) > 0 {
		t.Errorf("files mentioning syncmap: %v", hits)
	}
}
