// Package leakcheck lets a test package that defines its own TestMain take
// part in racecheck's goroutine leak and deadlock detection.
//
// racecheck finds goroutines that tests leave blocked forever with the
// goroutine leak profile of Go 1.26 (GOEXPERIMENT=goroutineleakprofile): the
// garbage collector marks a goroutine leaked when it waits on a channel,
// mutex, wait group or condition variable that no running goroutine can
// reach any more, so a goroutine that is merely still working is never
// reported. The same check, made once a second while the tests run, finds a
// test whose own goroutine is blocked forever: a deadlock, which the race
// detector's runtime does not report by itself.
//
// racecheck adds a TestMain that does this to every test package that has
// none; a package with its own TestMain calls Run (or Main) instead of
// m.Run:
//
//	func TestMain(m *testing.M) {
//		setup()
//		code := leakcheck.Run(m)
//		teardown()
//		os.Exit(code)
//	}
//
// Outside racecheck (ProfileEnv unset), Run is m.Run and costs nothing.
// The package depends on the standard library only.
package leakcheck

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"testing"
	"time"
)

// ProfileEnv names the environment variable in which racecheck passes the
// file to write the leak profile to.
const ProfileEnv = "RACECHECK_LEAK_PROFILE"

// DeadlockMarker starts the line Run prints, before the goroutine dump,
// when a test's goroutine is blocked forever.
const DeadlockMarker = "racecheck-deadlock: a test's goroutine is blocked forever"

// Main runs the tests, writes the leak profile when racecheck asked for it,
// and exits with the tests' exit code.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests, watching for deadlocked tests, writes the leak
// profile when racecheck asked for it, and returns the tests' exit code.
func Run(m *testing.M) int {
	stop := WatchDeadlocks()
	code := m.Run()
	stop()
	WriteProfile()
	return code
}

// WriteProfile writes every goroutine's stack, with leaked goroutines marked
// "(leaked)", to the file named by ProfileEnv, after a pause of a quarter
// of a second that lets goroutines the last test started reach the point
// where they block, and goroutines that are shutting down finish.
// It does nothing when ProfileEnv is unset or the Go toolchain has no
// goroutine leak profile (before Go 1.26, or built without
// GOEXPERIMENT=goroutineleakprofile); a file it cannot write is reported on
// standard error.
func WriteProfile() {
	path := os.Getenv(ProfileEnv)
	profile := pprof.Lookup("goroutineleak")
	if path == "" || profile == nil {
		return
	}
	time.Sleep(250 * time.Millisecond)
	f, err := os.Create(path)
	if err == nil {
		err = profile.WriteTo(f, 2)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "leakcheck: writing the goroutine leak profile: %v\n", err)
	}
}

// WatchDeadlocks checks once a second, until the returned function is
// called, whether the goroutine running a test (testing.tRunner) is leaked:
// blocked on something no running goroutine can reach, so the test can
// never finish. It then prints DeadlockMarker and every goroutine's stack
// to standard error and panics, ending the process at once (os.Exit from
// another goroutine would race with the testing package's exit hooks).
//
// The check runs from a timer, not a goroutine of its own: between checks
// no goroutine of it exists, so tests that look for leaked goroutines and
// retry (goleak.VerifyNone) do not see it. While a check runs (a few
// milliseconds a second, with a garbage collection) runtime.NumGoroutine
// counts one more goroutine, which a test asserting an exact count can
// see; racecheck's -leaks=false turns the watch off. It does nothing when
// ProfileEnv is unset or the toolchain has no goroutine leak profile.
func WatchDeadlocks() (stop func()) {
	profile := pprof.Lookup("goroutineleak")
	if os.Getenv(ProfileEnv) == "" || profile == nil {
		return func() {}
	}
	// The testing package replaces os.Stderr once the tests start; take
	// it now, so the check does not read the variable while it changes.
	stderr := os.Stderr
	var (
		mu      sync.Mutex
		timer   *time.Timer
		stopped bool
	)
	var check func()
	check = func() {
		var dump bytes.Buffer
		if profile.WriteTo(&dump, 2) == nil && testLeaked(dump.Bytes()) {
			fmt.Fprintf(stderr, "%s\n\n%s", DeadlockMarker, dump.Bytes())
			panic(DeadlockMarker)
		}
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			timer = time.AfterFunc(time.Second, check)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	timer = time.AfterFunc(time.Second, check)
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		timer.Stop()
	}
}

// testLeaked reports whether a goroutine dump holds a leaked goroutine that
// runs a test.
func testLeaked(dump []byte) bool {
	for _, g := range bytes.Split(dump, []byte("\n\n")) {
		header, _, _ := bytes.Cut(g, []byte("\n"))
		if bytes.HasSuffix(header, []byte(" (leaked)]:")) && bytes.Contains(g, []byte("\ntesting.tRunner(")) {
			return true
		}
	}
	return false
}
