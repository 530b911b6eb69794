package safemap

import (
	"os"
	"os/exec"
	"testing"
)

// TestBuild386 checks that the package and its tests compile and vet on a
// 32-bit platform, where pointers and int are 4 bytes and the bucket layout
// differs. On a cold build cache it first compiles the standard library
// for 386, which takes minutes, so it runs only when RACEPROOF_CROSS_BUILD
// is set (CI sets it in its cross-build step).
func TestBuild386(t *testing.T) {
	if os.Getenv("RACEPROOF_CROSS_BUILD") == "" {
		t.Skip("set RACEPROOF_CROSS_BUILD=1 to cross-build for GOARCH=386")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	cmd := exec.Command(goTool, "vet", ".")
	cmd.Env = append(os.Environ(), "GOARCH=386", "GOOS=linux", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOARCH=386 go vet failed: %v\n%s", err, out)
	}
}
