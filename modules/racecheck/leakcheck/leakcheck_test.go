package leakcheck

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
)

func TestWriteProfileWithoutRacecheckDoesNothing(t *testing.T) {
	t.Setenv(ProfileEnv, "")
	WriteProfile() // must not panic or write anywhere
}

func TestWriteProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leaks")
	t.Setenv(ProfileEnv, path)
	WriteProfile()
	_, err := os.Stat(path)
	if pprof.Lookup("goroutineleak") == nil {
		if err == nil {
			t.Fatal("a profile was written by a toolchain without the goroutine leak profile")
		}
		t.Skip("this toolchain has no goroutine leak profile (Go 1.26 with GOEXPERIMENT=goroutineleakprofile)")
	}
	if err != nil {
		t.Fatalf("no profile written: %v", err)
	}
}

func TestTestLeaked(t *testing.T) {
	leakedTest := []byte("goroutine 1 [running]:\nmain.main()\n\ngoroutine 7 [chan receive (leaked)]:\nexample.com/p.TestX(0x1)\n\t/p/x_test.go:9 +0x1\ntesting.tRunner(0x1, 0x2)\n\t/go/src/testing/testing.go:1 +0x1\n")
	if !testLeaked(leakedTest) {
		t.Error("a leaked test goroutine is a deadlock")
	}
	leakedHelper := []byte("goroutine 8 [chan send (leaked)]:\nexample.com/p.TestX.func1()\n\t/p/x_test.go:12 +0x1\ncreated by example.com/p.TestX in goroutine 7\n")
	if testLeaked(leakedHelper) {
		t.Error("a leaked helper goroutine is a leak, not a deadlocked test")
	}
	blockedTest := []byte("goroutine 7 [chan receive]:\nexample.com/p.TestX(0x1)\ntesting.tRunner(0x1, 0x2)\n")
	if testLeaked(blockedTest) {
		t.Error("a test that is only waiting is not deadlocked")
	}
}

func TestWatchDeadlocksWithoutRacecheckDoesNothing(t *testing.T) {
	t.Setenv(ProfileEnv, "")
	WatchDeadlocks()()
}
