package checkthenact

// Memos keyed by a reflect.Type: a description of a type built from the
// type alone. A type never changes, so racing goroutines build equal
// descriptions and only work is duplicated, even when the builder's name
// says it creates something. From gorilla/schema's cache (vendored in
// gofiber/fiber internal/schema/cache.go, a -plainmaps false alarm) and
// gogf/gf's struct cache (out of sample, through calls).

import (
	"reflect"
	"sync"
)

type structDesc struct {
	fields []string
}

type descTable struct {
	m sync.Map
}

func (c *descTable) create(t reflect.Type, parentAlias string) *structDesc {
	d := &structDesc{}
	for i := 0; i < t.NumField(); i++ {
		d.fields = append(d.fields, parentAlias+t.Field(i).Name)
	}
	return d
}

func (c *descTable) get(t reflect.Type) *structDesc {
	if v, ok := c.m.Load(t); ok {
		return v.(*structDesc)
	}
	d := c.create(t, "")
	c.m.Store(t, d)
	return d
}

// Near-miss: a value built without the type is no description of it: a
// per-type counter each racing goroutine makes its own of.
type typeCounter struct{ n int }

func newTypeCounter() *typeCounter { return &typeCounter{} }

func (c *descTable) counter(t reflect.Type) *typeCounter {
	if v, ok := c.m.Load(t); ok {
		return v.(*typeCounter)
	}
	n := newTypeCounter()
	c.m.Store(t, n) // want `c.m.Store\(t\) after c.m.Load\(t\) on line 47 runs only when the check found no entry`
	return n
}

// Near-miss: a description the branch then registers elsewhere: both racing
// goroutines register.
func (c *descTable) register(t reflect.Type, registry chan<- *structDesc) *structDesc {
	if v, ok := c.m.Load(t); ok {
		return v.(*structDesc)
	}
	d := c.create(t, "")
	c.m.Store(t, d) // want `c.m.Store\(t\) after c.m.Load\(t\) on line 58 runs only when the check found no entry`
	registry <- d
	return d
}
