// Fixed version of the t13 connection: lockFixed acquires the busy flag with a
// single CompareAndSwap(false, true), so testing and setting the flag is one
// atomic step and exactly one goroutine can own the wire at a time; the loser
// gets ErrConnBusy without touching the socket.
package t13

import (
	"fmt"
	"net"
	"sync/atomic"
)

type PgConnFixed struct {
	conn     net.Conn
	busy     atomic.Bool
	closed   atomic.Bool
	txStatus atomic.Uint32
}

func NewPgConnFixed(c net.Conn) *PgConnFixed { return &PgConnFixed{conn: c} }

func (c *PgConnFixed) lockFixed() error {
	if c.closed.Load() {
		return ErrClosed
	}
	if !c.busy.CompareAndSwap(false, true) {
		return ErrConnBusy
	}
	return nil
}

func (c *PgConnFixed) unlock() { c.busy.Store(false) }

func (c *PgConnFixed) Exec(sql string) (*Result, error) {
	if err := c.lockFixed(); err != nil {
		return nil, err
	}
	defer c.unlock()
	if err := writeQuery(c.conn, sql); err != nil {
		c.Close()
		return nil, err
	}
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
		case 'Z':
			if len(body) > 0 {
				c.txStatus.Store(uint32(body[0]))
			}
			return res, qerr
		case 'E':
			qerr = fmt.Errorf("server error: %s", trimNull(body))
		}
	}
}

func (c *PgConnFixed) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.conn.Close()
}
