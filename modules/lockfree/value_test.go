package lockfree

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type config struct {
	name    string
	version int
}

func TestValueZeroAndOps(t *testing.T) {
	var v Value[config]
	assert.Nil(t, v.Load())
	a := &config{name: "a"}
	v.Store(a)
	assert.Same(t, a, v.Load())
	b := &config{name: "b"}
	assert.Same(t, a, v.Swap(b))
	assert.False(t, v.CompareAndSwap(a, a), "CompareAndSwap compares pointers")
	assert.False(t, v.CompareAndSwap(&config{name: "b"}, a), "an equal T at another address is not old")
	assert.True(t, v.CompareAndSwap(b, a))
	assert.Same(t, a, v.Load())
	got := v.Update(func(old *config) *config {
		return &config{name: old.name, version: old.version + 1}
	})
	assert.Equal(t, config{name: "a", version: 1}, *got)
	assert.Same(t, got, v.Load())
	v.Store(nil)
	assert.Nil(t, v.Load())
}
