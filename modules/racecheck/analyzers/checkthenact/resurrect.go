package checkthenact

import (
	"go/ast"
	"go/types"
	"strings"
)

// Resurrection. An insert-if-absent claim (LoadOrStore and the like) that
// runs only when the check found the key is meant as an update of an entry
// known to be there; when another goroutine deleted the entry in between,
// the claim inserts it again. Cloudfuse's validate loop re-checked that a
// file was still cached, then called cacheValidate, whose LoadOrStore
// recreated the node of a file purged in between (fixed in Seagate/cloudfuse
// #913 by loading instead). It is reported only for a map the package
// deletes from somewhere: otherwise nothing can come back.

// deletedSomewhere reports whether some function of the package deletes
// from the map m names (the same field, or the same variable): a Delete, a
// LoadAndDelete or a CompareAndDelete, a Range's included.
func (c *checker) deletedSomewhere(m ast.Expr) bool {
	if c.deleted == nil {
		c.deleted = map[types.Object]bool{}
		for _, f := range c.funcs {
			for _, o := range f.ops {
				if o.kind == opDelete || o.kind == opClaim && strings.Contains(o.name, "Delete") {
					if v := c.mapVar(o.recv); v != nil {
						c.deleted[v] = true
					}
				}
			}
		}
	}
	v := c.mapVar(m)
	return v != nil && c.deleted[v]
}

// mapVar returns the field or variable a map expression ends in: nodeMap for
// p.nodeMap, m for m.
func (c *checker) mapVar(m ast.Expr) types.Object {
	root, path, ok := c.splitPath(m)
	if !ok {
		return nil
	}
	if len(path) > 0 {
		return c.pass.TypesInfo.ObjectOf(path[len(path)-1])
	}
	return c.pass.TypesInfo.ObjectOf(root)
}
