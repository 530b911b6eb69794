// Package helper has a racy counter that tests reach through a helper.
package helper

// Counter counts without synchronisation.
type Counter struct{ n int }

// Inc adds one.
func (c *Counter) Inc() { c.n++ }
