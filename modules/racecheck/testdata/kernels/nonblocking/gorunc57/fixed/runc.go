// Package gorunc57 reconstructs a data race in containerd's go-runc: the
// output of every runc invocation is captured in a bytes.Buffer from a
// sync.Pool, and cmdOutput put the buffer back into the pool while returning
// buffer.Bytes(), a slice of the buffer's memory, to its caller; another
// invocation could take the buffer from the pool and overwrite the bytes the
// first caller was still parsing.
//
//   - Project: containerd/go-runc (runc.go)
//   - Bug report: https://github.com/containerd/go-runc/issues/57
//   - Fix: https://github.com/containerd/go-runc/pull/58 (the caller returns the buffer to the pool when it is done reading)
//   - Shape: misuse of sync.Pool: an object is put back while a slice of it
//     is still in use (use after release).
//   - Fixed twin: cmdOutput hands the buffer to its caller, which returns it
//     to the pool only after it has copied the output (the upstream fix), so a
//     pooled buffer is never in two users' hands.
package gorunc57

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuf(b *bytes.Buffer) { bufPool.Put(b) }

// cmdOutput runs a runc command and returns the buffer holding what it
// printed; the caller returns it to the pool with putBuf when done reading.
func cmdOutput(run func(io.Writer) error) (*bytes.Buffer, error) {
	b := getBuf()
	err := run(b)
	return b, err
}

// State returns the state runc reports for container id.
func State(id string) (string, error) {
	out, err := cmdOutput(func(w io.Writer) error {
		_, err := fmt.Fprintf(w, `{"id":%q,"status":"running"}`, id)
		return err
	})
	defer putBuf(out)
	if err != nil {
		return "", err
	}
	return out.String(), nil
}
