package lincheck

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/anishathalye/porcupine"
)

type jsonOp struct {
	Goroutine int             `json:"goroutine"`
	Phase     string          `json:"phase"`
	Call      int64           `json:"call"`
	Return    int64           `json:"return"`
	Operation string          `json:"operation"`
	Input     json.RawMessage `json:"input,omitempty"`
	Output    json.RawMessage `json:"output,omitempty"`
}

type jsonFailure struct {
	Round    int      `json:"round"`
	Minimal  []jsonOp `json:"minimal"`
	Original []jsonOp `json:"original"`
}

func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func (f *Failure[I, O]) jsonOps(h History[I, O]) []jsonOp {
	ops := make([]jsonOp, len(h))
	for i, op := range h {
		ops[i] = jsonOp{
			Goroutine: op.Goroutine,
			Phase:     op.Phase.String(),
			Call:      op.Call,
			Return:    op.Return,
			Operation: f.describe(op.Input, op.Output),
			Input:     rawJSON(op.Input),
			Output:    rawJSON(op.Output),
		}
	}
	return ops
}

// WriteJSON writes the minimal and the original failing histories as JSON: for
// each operation its goroutine, phase, clock interval, rendering, and its input
// and output values when they can be marshalled.
func (f *Failure[I, O]) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonFailure{Round: f.Round, Minimal: f.jsonOps(f.MinimalHistory), Original: f.jsonOps(f.History)})
}

// WriteHTML writes porcupine's interactive visualisation of the minimal failing
// history: each goroutine's operations on a timeline, and the longest partial
// linearizations the checker found.
func (f *Failure[I, O]) WriteHTML(w io.Writer) error {
	if f.visualize == nil {
		return fmt.Errorf("lincheck: failure has no model to visualize")
	}
	return f.visualize(w)
}

func visualize[S, I, O any](m Model[S, I, O], h History[I, O], timeout time.Duration, w io.Writer) error {
	_, info := checkVerbose(m, h, timeout, true)
	return porcupine.Visualize(m.porcupine(), info, w)
}

// WriteArtifacts writes WriteJSON's and WriteHTML's output to new files in
// dir and returns their paths.
func (f *Failure[I, O]) WriteArtifacts(dir string) (jsonPath, htmlPath string, err error) {
	write := func(pattern string, fn func(io.Writer) error) (string, error) {
		file, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return "", err
		}
		if err := fn(file); err != nil {
			file.Close()
			return "", err
		}
		if err := file.Close(); err != nil {
			return "", err
		}
		return filepath.Abs(file.Name())
	}
	if jsonPath, err = write("lincheck-history-*.json", f.WriteJSON); err != nil {
		return "", "", fmt.Errorf("lincheck: writing history: %w", err)
	}
	if htmlPath, err = write("lincheck-visualization-*.html", f.WriteHTML); err != nil {
		return "", "", fmt.Errorf("lincheck: writing visualization: %w", err)
	}
	return jsonPath, htmlPath, nil
}
