package perturb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `package sample

import (
	"sync"
	at "sync/atomic"
)

type counter struct {
	mu sync.Mutex
	n  int64
}

func work(c *counter, ch chan int, done chan struct{}) int {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
		ch <- 1
	}()
	v := <-ch
	select {
	case <-done:
	default:
	}
	if at.AddInt64(&c.n, 1) > 0 {
		v++
	}
	for i := 0; i < 2; i++ {
		v += i
	}
	wg.Wait()
	close(done)
	return v
}
`

// TestInstrumentKeepsLinesAndFindsPoints: every concurrency point gets a
// yield on its own line, nothing else does, and the result compiles and
// runs the same.
func TestInstrumentKeepsLinesAndFindsPoints(t *testing.T) {
	out, changed := Instrument("sample.go", []byte(sample))
	require.True(t, changed)
	in, got := strings.Split(sample, "\n"), strings.Split(string(out), "\n")
	require.Equal(t, len(in), len(got), "no line added or removed")
	var yielded []string
	for i := range in {
		if got[i] != in[i] {
			require.Equal(t, strings.ReplaceAll(got[i], yieldCall, ""), in[i], "only yields are inserted on line %d", i+1)
			yielded = append(yielded, strings.TrimSpace(in[i]))
		}
	}
	assert.Equal(t, []string{
		"wg.Add(1)", "go func() {", "c.mu.Lock()", "c.mu.Unlock()", "ch <- 1", "v := <-ch", "select {",
		"if at.AddInt64(&c.n, 1) > 0 {", "wg.Wait()", "close(done)",
	}, yielded, "the goroutine's start is on the go statement's line")
	assert.Contains(t, string(out), "go func() {"+yieldCall, "a yield starts every goroutine")
	assert.NotContains(t, string(out), yieldCall+"defer", "deferred calls run later")

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/sample\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sample.go"), out, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), Yield("sample"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sample_test.go"), []byte(`package sample

import "testing"

func TestWork(t *testing.T) {
	for range 200 {
		if got := work(&counter{}, make(chan int), make(chan struct{})); got != 3 {
			t.Fatalf("work = %d", got)
		}
	}
}
`), 0o644))
	for _, seed := range []string{"0", "12345"} {
		cmd := exec.Command("go", "test", "-race", "-count=1", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", SeedEnv+"="+seed)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "seed %s: %s", seed, b)
	}
}

func TestInstrumentLeavesOtherFilesAlone(t *testing.T) {
	plain := "package p\n\nfunc f(x int) int { return x + 1 }\n"
	out, changed := Instrument("p.go", []byte(plain))
	assert.False(t, changed)
	assert.Equal(t, plain, string(out))
	cgo := "package p\n\nimport \"C\"\n\nfunc f(ch chan int) { ch <- 1 }\n"
	out, changed = Instrument("c.go", []byte(cgo))
	assert.False(t, changed, "cgo files are left alone")
	assert.Equal(t, cgo, string(out))
	_, changed = Instrument("bad.go", []byte("package p\nfunc {"))
	assert.False(t, changed)
}

func TestUsesConcurrency(t *testing.T) {
	assert.True(t, UsesConcurrency([]byte(sample)))
	assert.True(t, UsesConcurrency([]byte("package p\nfunc f() { go f() }\n")))
	assert.True(t, UsesConcurrency([]byte("package p\nfunc f(c chan int) {}\n")))
	assert.False(t, UsesConcurrency([]byte("package p\nfunc f(x int) int { return x }\n")))
}
