// Package fine passes: a broken sibling package must not hide it.
package fine

import "testing"

func TestFine(t *testing.T) {}
