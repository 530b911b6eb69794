package stack

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// A test binary's timeout panic, captured from go1.26.8: every goroutine,
// with wait reasons.
func TestParseTimeoutDump(t *testing.T) {
	gs := Parse(read(t, "timeout.txt"))
	require.Len(t, gs, 5)
	byID := map[int]Goroutine{}
	for _, g := range gs {
		byID[g.ID] = g
	}
	alarm := gs[0]
	assert.Equal(t, 20, alarm.ID)
	assert.Equal(t, "running", alarm.State)
	assert.Equal(t, "testing.(*M).startAlarm.func1", alarm.Frames[0].Function)
	assert.Equal(t, Frame{Function: "time.goFunc", File: "/usr/local/go/src/time/sleep.go", Line: 215}, alarm.CreatedBy)

	wg := byID[4]
	assert.Equal(t, "sync.WaitGroup.Wait", wg.State)
	assert.Equal(t, Frame{Function: "example.com/hang.TestHang", File: "/tmp/exp/hang/h_test.go", Line: 11}, wg.Frames[2])
	assert.Equal(t, "testing.(*T).Run", wg.CreatedBy.Function)
	assert.Equal(t, 1, wg.Parent)

	mu := byID[5]
	assert.Equal(t, "sync.Mutex.Lock", mu.State)
	assert.Equal(t, "sync.(*Mutex).Lock", mu.Frames[3].Function, "inlined frames (...) are kept")
	assert.Equal(t, "example.com/hang.TestHang", mu.CreatedBy.Function)
	assert.Equal(t, 4, mu.Parent)
	assert.Equal(t, "main.main", byID[1].Frames[len(byID[1].Frames)-1].Function)
	assert.Equal(t, "_testmain.go", byID[1].Frames[len(byID[1].Frames)-1].File)

	msg, ok := PanicMessage(read(t, "timeout.txt"))
	assert.True(t, ok)
	assert.Equal(t, "test timed out after 2s", msg)
}

func TestParseDeadlockAndStatus(t *testing.T) {
	text := read(t, "deadlock.txt")
	gs := Parse(text)
	require.Len(t, gs, 1)
	assert.Equal(t, "chan send", gs[0].State)
	assert.Equal(t, Frame{Function: "main.main", File: "/tmp/exp/dl/main.go", Line: 2}, gs[0].Frames[0])
	msg, ok := PanicMessage(text)
	assert.True(t, ok)
	assert.Equal(t, "fatal error: all goroutines are asleep - deadlock!", msg)

	state, wait := parseStatus("chan receive, 12 minutes, locked to thread")
	assert.Equal(t, "chan receive", state)
	assert.Equal(t, 12*time.Minute, wait)
	state, wait = parseStatus("select (no cases)")
	assert.Equal(t, "select (no cases)", state)
	assert.Zero(t, wait)
}

// A fuzz failure prints the stack indented, inside the failure message.
func TestParseIndentedStack(t *testing.T) {
	gs := Parse(read(t, "fuzzcrash.txt"))
	require.NotEmpty(t, gs)
	var fns []string
	for _, f := range gs[0].Frames {
		fns = append(fns, f.Function)
	}
	assert.Contains(t, fns, "example.com/fz.FuzzCrash.func1")
	assert.Equal(t, "testing.(*F).Fuzz.func1", gs[0].CreatedBy.Function)
}

func TestPanicMessage(t *testing.T) {
	for in, want := range map[string]string{
		"panic: boom [recovered, repanicked]\n\ngoroutine 1 [running]:": "boom",
		"junk\npanic: x [recovered]\n":                                  "x",
		"fatal error: concurrent map writes\n":                          "fatal error: concurrent map writes",
	} {
		got, ok := PanicMessage(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	_, ok := PanicMessage("no panic here\n")
	assert.False(t, ok)
}

func TestTestAndPackage(t *testing.T) {
	for fn, want := range map[string][2]string{
		"example.com/m/p.TestFoo.func1.2":      {"example.com/m/p", "TestFoo"},
		"example.com/m/p_test.FuzzParse":       {"example.com/m/p", "FuzzParse"},
		"example.com/m/p.(*T).Run":             {"", ""},
		"example.com/m/p.Testify":              {"", ""},
		"example.com/m/p.TestMain":             {"", ""},
		"testing.tRunner":                      {"", ""},
		"main.TestX":                           {"", ""},
		"testing/synctest.Test":                {"", ""},
		"testing/fstest.TestFS":                {"", ""},
		"testing/slogtest.TestHandler.func1":   {"", ""},
		"example.com/m/p.Example_second.func1": {"example.com/m/p", "Example_second"},
		"example.com/m/p.Benchmark":            {"example.com/m/p", "Benchmark"},
	} {
		pkg, name := Test(fn)
		assert.Equal(t, want, [2]string{pkg, name}, fn)
	}
	assert.Equal(t, "example.com/m/p", Package("example.com/m/p.(*T).Run.func1"))
	assert.Equal(t, "main", Package("main.main"))
	assert.Equal(t, "", Package("nodot"))
	assert.Equal(t, "testing.tRunner", funcName("testing.tRunner(0xc0, 0x5)"))
	assert.Equal(t, "panic", funcName("panic({0x1?, 0x2?})"))
}

// A SIGQUIT dump (GOTRACEBACK prints runtime frames with fp/sp/pc and
// goroutine headers with gp/m) and a goroutineleak profile at debug=2.
func TestParseSIGQUITAndLeakProfile(t *testing.T) {
	gs := Parse(read(t, "sigquit.txt"))
	var hang *Goroutine
	var frame Frame
	for i := range gs {
		for _, f := range gs[i].Frames {
			if f.Function == "example.com/hang.TestHang" {
				hang, frame = &gs[i], f
			}
		}
	}
	require.NotNil(t, hang, "the test goroutine is found")
	assert.Equal(t, "sync.WaitGroup.Wait", hang.State)
	assert.Equal(t, Frame{Function: "example.com/hang.TestHang", File: "/tmp/exp/hang/h_test.go", Line: 11}, frame)

	leaks := Parse(read(t, "leakprofile.txt"))
	var leaked []string
	for _, g := range leaks {
		if g.Leaked {
			leaked = append(leaked, g.State+" "+g.CreatedBy.Function)
		}
	}
	assert.Equal(t, []string{"chan send example.com/leak.TestLeaks", "sync.Mutex.Lock example.com/leak.TestLeaksMutex"}, leaked)
}

// With GODEBUG=tracebackancestors the runtime prints the stacks that
// started a goroutine: a leak started by a library call is traced back to
// the test that made it.
func TestParseAncestors(t *testing.T) {
	var leaked *Goroutine
	gs := Parse(read(t, "ancestors.txt"))
	for i := range gs {
		if gs[i].Leaked {
			leaked = &gs[i]
		}
	}
	require.NotNil(t, leaked)
	assert.Equal(t, "chan send", leaked.State)
	assert.Equal(t, "example.com/leak.Start.func1", leaked.Frames[0].Function)
	assert.Len(t, leaked.Frames, 1, "ancestor frames are kept apart")
	assert.Equal(t, "example.com/leak.Start", leaked.CreatedBy.Function)
	require.Len(t, leaked.Ancestors, 2)
	assert.Equal(t, Frame{Function: "example.com/leak.TestIndirect", File: "/tmp/exp/leak/leak_test.go", Line: 17}, leaked.Ancestors[0][1])
	assert.Equal(t, "testing.(*T).Run", leaked.Ancestors[1][0].Function)
}
