package lincheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// Phase is the part of a scenario an operation ran in.
type Phase uint8

const (
	// PhaseInit is the initial sequential part, run before the goroutines start.
	PhaseInit Phase = iota
	// PhaseParallel is the concurrent part.
	PhaseParallel
	// PhasePost is the final sequential part, run after every goroutine returned.
	PhasePost
)

// String returns "init", "parallel" or "post".
func (p Phase) String() string {
	switch p {
	case PhaseInit:
		return "init"
	case PhaseParallel:
		return "parallel"
	case PhasePost:
		return "post"
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// Operation is one completed call in a history.
type Operation[I, O any] struct {
	// Goroutine is 0 for the sequential parts and 1..N for the goroutines of
	// the parallel part.
	Goroutine int
	// Phase is the scenario part the operation belongs to.
	Phase Phase
	// Input describes the operation and its arguments; Output is its result.
	Input  I
	Output O
	// Call and Return are the logical-clock readings taken just before the
	// call and just after it returned. Every reading of the clock is
	// distinct, so Call < Return, and an operation whose Return is below
	// another's Call finished before the other started.
	Call, Return int64
}

// History is a record of completed operations.
type History[I, O any] []Operation[I, O]

// Verdict is the outcome of a linearizability check.
type Verdict uint8

const (
	// Linearizable means every checked history had a linearization.
	Linearizable Verdict = iota
	// Violation means some history had none: the implementation is not
	// linearizable with respect to the model (or the model is wrong).
	Violation
	// Unknown means the checker ran out of time before deciding. It is
	// neither a pass nor a failure.
	Unknown
)

// String returns "linearizable", "violation" or "unknown".
func (v Verdict) String() string {
	switch v {
	case Linearizable:
		return "linearizable"
	case Violation:
		return "violation"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

func (h History[I, O]) porcupine() []porcupine.Operation {
	ops := make([]porcupine.Operation, len(h))
	for i, op := range h {
		ops[i] = porcupine.Operation{
			ClientId: op.Goroutine,
			Input:    op.Input,
			Output:   op.Output,
			Call:     op.Call,
			Return:   op.Return,
			Metadata: op.Phase.String(),
		}
	}
	return ops
}

// CheckHistory reports whether h is linearizable with respect to m. A timeout
// of zero or less means no limit; otherwise the check may return [Unknown].
//
// CheckHistory is safe to call from several goroutines at once if the model's
// functions are.
func CheckHistory[S, I, O any](m Model[S, I, O], h History[I, O], timeout time.Duration) Verdict {
	v, _ := checkVerbose(m, h, timeout, false)
	return v
}

func checkVerbose[S, I, O any](m Model[S, I, O], h History[I, O], timeout time.Duration, verbose bool) (Verdict, porcupine.LinearizationInfo) {
	if timeout < 0 {
		timeout = 0
	}
	var (
		res  porcupine.CheckResult
		info porcupine.LinearizationInfo
	)
	if verbose {
		res, info = porcupine.CheckOperationsVerbose(m.porcupine(), h.porcupine(), timeout)
	} else {
		res = porcupine.CheckOperationsTimeout(m.porcupine(), h.porcupine(), timeout)
	}
	switch res {
	case porcupine.Ok:
		return Linearizable, info
	case porcupine.Illegal:
		return Violation, info
	default:
		return Unknown, info
	}
}

// Format renders h for a reader: the operations of each phase in the order they
// were called, each with its goroutine, its [call, return] clock interval, and
// the operation rendered by describe (for example a [Model.DescribeOp]).
func (h History[I, O]) Format(describe func(in I, out O) string) string {
	sorted := slices.Clone(h)
	slices.SortStableFunc(sorted, func(a, b Operation[I, O]) int {
		return cmp.Or(cmp.Compare(a.Phase, b.Phase), cmp.Compare(a.Call, b.Call))
	})
	width := len(fmt.Sprint(maxReturn(h)))
	var b strings.Builder
	phase := Phase(255)
	for _, op := range sorted {
		if op.Phase != phase {
			phase = op.Phase
			fmt.Fprintf(&b, "  %s:\n", phase)
		}
		fmt.Fprintf(&b, "    g%d [%*d, %*d] %s\n", op.Goroutine, width, op.Call, width, op.Return, describe(op.Input, op.Output))
	}
	return b.String()
}

func maxReturn[I, O any](h History[I, O]) int64 {
	var m int64
	for _, op := range h {
		m = max(m, op.Return)
	}
	return m
}
