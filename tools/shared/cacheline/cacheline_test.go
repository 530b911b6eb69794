package cacheline

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestSizeKeepsWordsOnSeparateLines(t *testing.T) {
	assert.Equal(t, 0, Size&(Size-1), "a power of two")
	assert.GreaterOrEqual(t, Size, 64, "at least one x86-64 or arm64 cache line")
	type padded struct {
		a uint64
		_ [Size - 8]byte
		b uint64
	}
	assert.Equal(t, uintptr(Size), unsafe.Offsetof(padded{}.b))
}
