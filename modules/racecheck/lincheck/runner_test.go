package lincheck_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

func TestGenerateIsDeterministic(t *testing.T) {
	gen := lincheck.RandomMapOps([]int{1, 2, 3}, []int{1, 2, 3}, computes, append(allMapOps, lincheck.MapCompute)...)
	opts := lincheck.Options{Goroutines: 4, OpsPerGoroutine: 5, InitOps: 3, PostOps: -1}
	describe := func(s lincheck.Scenario[mapIn]) string {
		// Compute functions are not comparable; compare renderings.
		return fmt.Sprintf("%v", s)
	}
	for round := range 20 {
		a := lincheck.Generate(gen, opts, 42, round)
		b := lincheck.Generate(gen, opts, 42, round)
		require.Equal(t, describe(a), describe(b))
		require.Len(t, a.Init, 3)
		require.Empty(t, a.Post)
		require.Len(t, a.Parallel, 4)
		require.Equal(t, 3+4*5, a.Len())
	}
	require.NotEqual(t, describe(lincheck.Generate(gen, opts, 42, 0)), describe(lincheck.Generate(gen, opts, 43, 0)))
}

// TestSeedReplaysScenarios records every operation Run executes: two runs
// with one seed execute the same multiset of operations, round by round.
func TestSeedReplaysScenarios(t *testing.T) {
	run := func(seed uint64) []string {
		var log []string
		rep, err := lincheck.Run(lincheck.Spec[*mapLog, int, mapIn, mapOut]{
			Model: anything,
			New:   func() *mapLog { return &mapLog{} },
			Do:    (*mapLog).do,
			Gen:   syncMapSpec().Gen,
			Close: func(m *mapLog) { log = append(log, m.sorted()) },
		}, lincheck.Options{Seed: seed, Rounds: 50, Budget: time.Minute})
		require.NoError(t, err)
		require.Equal(t, seed, rep.Seed)
		require.Equal(t, 50, rep.Rounds)
		return log
	}
	require.Equal(t, run(7), run(7))
	require.NotEqual(t, run(7), run(8))
}

// anything is a model every history satisfies.
var anything = lincheck.Model[int, mapIn, mapOut]{
	Init: func() int { return 0 },
	Step: func(s int, _ mapIn, _ mapOut) (bool, int) { return true, s },
}

// mapLog records the operations applied to it.
type mapLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *mapLog) do(in mapIn) mapOut {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops = append(l.ops, fmt.Sprintf("%v(%d,%d,%d)", in.Op, in.Key, in.Value, in.Old))
	return mapOut{}
}

func (l *mapLog) sorted() string {
	slices.Sort(l.ops)
	return strings.Join(l.ops, " ")
}

func TestSeedFromEnvironment(t *testing.T) {
	t.Setenv("LINCHECK_SEED", "12345")
	rep, err := lincheck.Run(syncMapSpec(), lincheck.Options{Rounds: 1})
	require.NoError(t, err)
	require.Equal(t, uint64(12345), rep.Seed)
}

func TestRunRejectsBadArguments(t *testing.T) {
	good := syncMapSpec()
	for name, opts := range map[string]lincheck.Options{
		"Goroutines":       {Goroutines: -1},
		"OpsPerGoroutine":  {OpsPerGoroutine: -2},
		"Rounds":           {Rounds: -1},
		"Budget":           {Budget: -1},
		"CheckTimeout":     {CheckTimeout: -1},
		"MinimizeAttempts": {MinimizeAttempts: -1},
	} {
		_, err := lincheck.Run(good, opts)
		require.ErrorIs(t, err, lincheck.ErrInvalidOptions, name)
		require.ErrorContains(t, err, name)
	}
	bad := good
	bad.Gen = nil
	_, err := lincheck.Run(bad, lincheck.Options{})
	require.ErrorIs(t, err, lincheck.ErrInvalidSpec)
	require.ErrorContains(t, err, "Gen")
	bad = good
	bad.Model.Step = nil
	_, err = lincheck.Run(bad, lincheck.Options{})
	require.ErrorContains(t, err, "Step")
}

func TestRunReportsPanics(t *testing.T) {
	spec := syncMapSpec()
	spec.Do = func(m *syncMapT, in mapIn) mapOut {
		if in.Op == lincheck.MapStore {
			panic("boom")
		}
		return syncMapDo(m, in)
	}
	spec.Gen = lincheck.RandomMapOps([]int{1}, []int{1}, nil, lincheck.MapStore)
	_, err := lincheck.Run(spec, lincheck.Options{Rounds: 1})
	require.ErrorContains(t, err, "boom")
	require.ErrorContains(t, err, "Store(1, 1)")
}

func TestMinimizationCanBeDisabled(t *testing.T) {
	opts := bugOptions()
	opts.MinimizeBudget = -1
	rep, err := lincheck.Run(lockedMapSpec(true, lincheck.MapLoadOrStore), opts)
	require.NoError(t, err)
	require.Equal(t, lincheck.Violation, rep.Verdict())
	require.Zero(t, rep.Failure.MinimizeRuns)
	require.Equal(t, rep.Failure.Scenario.Len(), rep.Failure.Minimal.Len())
	require.Equal(t, rep.Failure.History, rep.Failure.MinimalHistory)
	require.Contains(t, rep.String(), "violation")
}

func TestFailureArtifacts(t *testing.T) {
	rep, err := lincheck.Run(lockedMapSpec(true, lincheck.MapLoadOrStore, lincheck.MapCompute), bugOptions())
	require.NoError(t, err)
	f := rep.Failure
	require.NotNil(t, f)

	var buf bytes.Buffer
	require.NoError(t, f.WriteJSON(&buf))
	var doc struct {
		Round   int `json:"round"`
		Minimal []struct {
			Goroutine int    `json:"goroutine"`
			Phase     string `json:"phase"`
			Call      int64  `json:"call"`
			Operation string `json:"operation"`
		} `json:"minimal"`
		Original []json.RawMessage `json:"original"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	require.Equal(t, f.Round, doc.Round)
	require.Len(t, doc.Minimal, f.Minimal.Len())
	require.Len(t, doc.Original, f.Scenario.Len())
	require.Contains(t, buf.String(), "LoadOrStore")

	buf.Reset()
	require.NoError(t, f.WriteHTML(&buf))
	require.Contains(t, buf.String(), "<html")

	dir := t.TempDir()
	jsonPath, htmlPath, err := f.WriteArtifacts(dir)
	require.NoError(t, err)
	for _, p := range []string{jsonPath, htmlPath} {
		require.True(t, strings.HasPrefix(p, dir), p)
		st, err := os.Stat(p)
		require.NoError(t, err)
		require.Positive(t, st.Size())
	}
}

// recordingTB captures what Check reports instead of failing the real test.
type recordingTB struct {
	testing.TB
	errors []string
	logs   []string
	attrs  map[string]string
}

func (r *recordingTB) Helper()                   {}
func (r *recordingTB) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recordingTB) Log(a ...any)              { r.logs = append(r.logs, fmt.Sprint(a...)) }
func (r *recordingTB) Logf(f string, a ...any)   { r.logs = append(r.logs, fmt.Sprintf(f, a...)) }
func (r *recordingTB) Attr(k, v string)          { r.attrs[k] = v }

func TestCheckFailsTheTestOnViolation(t *testing.T) {
	rec := &recordingTB{TB: t, attrs: map[string]string{}}
	opts := bugOptions()
	opts.Seed = 99
	rep := lincheck.Check(rec, lockedMapSpec(true, lincheck.MapLoadOrStore), opts)
	require.Equal(t, lincheck.Violation, rep.Verdict())
	require.Len(t, rec.errors, 1)
	require.Contains(t, rec.errors[0], "LINCHECK_SEED=99")
	logs := strings.Join(rec.logs, "\n")
	require.Contains(t, logs, "minimal failing history")
	require.Contains(t, logs, "parallel:")
	for _, key := range []string{"lincheck.history", "lincheck.visualization"} {
		_, err := os.Stat(rec.attrs[key])
		require.NoError(t, err, key)
	}
}

func TestCheckPassesCorrectImplementation(t *testing.T) {
	rec := &recordingTB{TB: t, attrs: map[string]string{}}
	rep := lincheck.Check(rec, syncMapSpec(), lincheck.Options{Rounds: 100, Budget: time.Minute})
	require.Equal(t, lincheck.Linearizable, rep.Verdict())
	require.Empty(t, rec.errors)
	require.Empty(t, rec.attrs)
	require.Contains(t, strings.Join(rec.logs, "\n"), "100 rounds (100 linearizable, 0 unknown)")
}

func TestRandomGeneratorsPanicOnEmptyLists(t *testing.T) {
	require.Panics(t, func() { lincheck.RandomMapOps[int, int](nil, []int{1}, nil, lincheck.MapLoad) })
	require.Panics(t, func() { lincheck.RandomMapOps([]int{1}, []int{1}, nil, lincheck.MapCompute) })
	require.Panics(t, func() { lincheck.RandomQueueOps() })
	require.Panics(t, func() { lincheck.RandomCounterOps(nil, lincheck.CounterAdd) })
	require.Panics(t, func() { lincheck.RandomSetOps[int](nil, lincheck.SetAdd) })
	require.Panics(t, func() { lincheck.RandomRegisterOps[int](nil, lincheck.RegisterLoad) })
	q := lincheck.RandomQueueOps(lincheck.QueueEnqueue)
	r := rand.New(rand.NewPCG(1, 2))
	require.Equal(t, 5, q(r, 4).Value, "queue values are seq+1, distinct within a scenario")
}
