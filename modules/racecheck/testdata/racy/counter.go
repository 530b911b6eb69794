// Package racy is a fixture module whose test has a data race.
package racy

// Counter is not safe for concurrent use.
type Counter struct{ n int }

// Inc adds one.
func (c *Counter) Inc() { c.n++ }
