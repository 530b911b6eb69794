// Package t13 is the low-level connection of a PostgreSQL driver in the style
// of pgx's pgconn: one network connection speaks the simple-query protocol,
// and a busy flag is supposed to make concurrent use fail fast with
// ErrConnBusy instead of interleaving protocol messages.
//
// Concurrency: PgConn is handed out by a pool, but application code commonly
// leaks it into several goroutines (e.g. a request handler and a background
// audit goroutine both calling Exec on the same *PgConn). The busy and closed
// flags are atomic.Bool; net.Conn reads and writes are goroutine-safe.
//
// BUG: lock() tests busy with Load and then sets it with Store. Two goroutines
// can both Load false before either Stores true.
// check: c.busy.Load() == false -> act: c.busy.Store(true).
//
// HARM: both queries go out on the wire and both goroutines read from the same
// socket: each receives part of the other's response. A caller gets rows that
// belong to a different query (another user's data returned to the wrong
// request) or the protocol desynchronises and the connection is corrupted.
package t13

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
)

var (
	ErrConnBusy = errors.New("conn busy")
	ErrClosed   = errors.New("conn closed")
)

// Result holds the rows of one simple query.
type Result struct {
	Columns []string
	Rows    [][][]byte
	Tag     string
}

// PgConn is a single server connection.
type PgConn struct {
	conn     net.Conn
	busy     atomic.Bool
	closed   atomic.Bool
	txStatus atomic.Uint32
}

func NewPgConn(c net.Conn) *PgConn { return &PgConn{conn: c} }

func (c *PgConn) lock() error {
	if c.closed.Load() {
		return ErrClosed
	}
	if c.busy.Load() {
		return ErrConnBusy
	}
	c.busy.Store(true)
	return nil
}

func (c *PgConn) unlock() { c.busy.Store(false) }

// Exec runs a simple query and collects its result.
func (c *PgConn) Exec(sql string) (*Result, error) {
	if err := c.lock(); err != nil {
		return nil, err
	}
	defer c.unlock()
	if err := writeQuery(c.conn, sql); err != nil {
		c.Close()
		return nil, err
	}
	return c.readResult()
}

func (c *PgConn) readResult() (*Result, error) {
	res := &Result{}
	var qerr error
	for {
		typ, body, err := readMessage(c.conn)
		if err != nil {
			c.Close()
			return nil, err
		}
		switch typ {
		case 'T':
			res.Columns = parseRowDescription(body)
		case 'D':
			res.Rows = append(res.Rows, parseDataRow(body))
		case 'C':
			res.Tag = string(trimNull(body))
		case 'E':
			qerr = fmt.Errorf("server error: %s", trimNull(body))
		case 'Z':
			if len(body) > 0 {
				c.txStatus.Store(uint32(body[0]))
			}
			return res, qerr
		}
	}
}

func (c *PgConn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.conn.Close()
}

func writeQuery(w io.Writer, sql string) error {
	msg := make([]byte, 5, 6+len(sql))
	msg[0] = 'Q'
	binary.BigEndian.PutUint32(msg[1:], uint32(4+len(sql)+1))
	msg = append(append(msg, sql...), 0)
	_, err := w.Write(msg)
	return err
}

func readMessage(r io.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n < 4 || n > 1<<26 {
		return 0, nil, fmt.Errorf("bad message length %d", n)
	}
	body := make([]byte, n-4)
	_, err := io.ReadFull(r, body)
	return hdr[0], body, err
}

func parseRowDescription(b []byte) []string {
	if len(b) < 2 {
		return nil
	}
	n := int(binary.BigEndian.Uint16(b))
	b = b[2:]
	cols := make([]string, 0, n)
	for i := 0; i < n && len(b) > 0; i++ {
		name := trimNull(b)
		cols = append(cols, string(name))
		skip := len(name) + 1 + 18
		if skip > len(b) {
			break
		}
		b = b[skip:]
	}
	return cols
}

func parseDataRow(b []byte) [][]byte {
	if len(b) < 2 {
		return nil
	}
	n := int(binary.BigEndian.Uint16(b))
	b = b[2:]
	row := make([][]byte, 0, n)
	for i := 0; i < n && len(b) >= 4; i++ {
		l := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if l < 0 || int(l) > len(b) {
			row = append(row, nil)
			continue
		}
		row = append(row, append([]byte(nil), b[:l]...))
		b = b[l:]
	}
	return row
}

func trimNull(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
