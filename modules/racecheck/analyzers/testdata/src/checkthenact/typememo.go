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

// hprose/hprose-golang io/value_encoder.go, encode_handler.go and
// value_decoder.go (ee507188, false alarms of the thirtieth precision
// set): a type's encoder is looked up, and on a miss built by a function
// handed the type that registers it two calls away; a type's decoder is
// made by a factory chosen by the type's kind and registered by a helper.
var encoders sync.Map

func registerEncoder(t reflect.Type, enc *structDesc) { encoders.Store(t, enc) }

func newNamedEncoder(t reflect.Type, name string) *structDesc {
	d := &structDesc{fields: []string{name}}
	registerEncoder(t, d)
	return d
}

func newAnonymousEncoder(t reflect.Type) *structDesc {
	d := &structDesc{fields: make([]string, t.NumField())}
	registerEncoder(t, d)
	return d
}

func encoderOf(t reflect.Type) *structDesc {
	if v, ok := encoders.Load(t); ok {
		return v.(*structDesc)
	}
	if name := t.Name(); name != "" {
		return newNamedEncoder(t, name)
	}
	return newAnonymousEncoder(t)
}

var decoders sync.Map

var decoderFactories = map[reflect.Kind]func(reflect.Type) *structDesc{}

func registerDecoder(t reflect.Type, dec *structDesc) { decoders.Store(t, dec) }

func registeredDecoder(t reflect.Type) *structDesc {
	if v, ok := decoders.Load(t); ok {
		return v.(*structDesc)
	}
	return nil
}

func decoderOf(t reflect.Type) (dec *structDesc) {
	dec = registeredDecoder(t)
	if dec == nil {
		dec = decoderFactories[t.Kind()](t)
		registerDecoder(t, dec)
	}
	return
}

// Near-miss: the encoder is built from the type and a tag the key leaves
// out: racing goroutines with different tags register different encoders
// under one type.
func newTaggedEncoder(t reflect.Type, tag string) *structDesc {
	d := &structDesc{fields: []string{tag}}
	registerEncoder(t, d)
	return d
}

func taggedEncoderOf(t reflect.Type, tag string) *structDesc {
	if v, ok := encoders.Load(t); ok {
		return v.(*structDesc)
	}
	return newTaggedEncoder(t, tag) // want `runs only when the check found no entry`
}
