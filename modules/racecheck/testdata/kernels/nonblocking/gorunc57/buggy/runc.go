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
//   - Manifests as: a race report under -race, and corrupted output (a test
//     failure), on the runs where two invocations share a pooled buffer.
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

// cmdOutput runs a runc command and returns what it printed.
func cmdOutput(run func(io.Writer) error) ([]byte, error) {
	b := getBuf()
	defer putBuf(b)
	err := run(b)
	return b.Bytes(), err
}

// State returns the state runc reports for container id.
func State(id string) (string, error) {
	out, err := cmdOutput(func(w io.Writer) error {
		_, err := fmt.Fprintf(w, `{"id":%q,"status":"running"}`, id)
		return err
	})
	if err != nil {
		return "", err
	}
	return string(out), nil
}
