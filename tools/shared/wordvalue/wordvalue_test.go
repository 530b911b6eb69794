package wordvalue

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestKindOf(t *testing.T) {
	type word struct{ a int64 }
	type pair32 struct{ a, b int32 }
	type withPointer struct{ p *int }
	type id int64
	for name, tc := range map[string]struct{ got, want Kind }{
		"int64":                {KindOf[int64](), Word64},
		"float64":              {KindOf[float64](), Word64},
		"named int64":          {KindOf[id](), Word64},
		"struct{int64}":        {KindOf[word](), Word64},
		"struct{int32, int32}": {KindOf[pair32](), Immutable}, // size 8, alignment 4
		"uint32":               {KindOf[uint32](), Word32},
		"float32":              {KindOf[float32](), Word32},
		"*int":                 {KindOf[*int](), Pointer},
		"map":                  {KindOf[map[string]int](), Pointer},
		"chan":                 {KindOf[chan int](), Pointer},
		"func":                 {KindOf[func()](), Pointer},
		"unsafe.Pointer":       {KindOf[unsafe.Pointer](), Pointer},
		"string":               {KindOf[string](), Immutable},
		"any":                  {KindOf[any](), Immutable},
		"[]int":                {KindOf[[]int](), Immutable},
		"struct{*int}":         {KindOf[withPointer](), Immutable},
		"[2]int64":             {KindOf[[2]int64](), Immutable},
		"[8]byte":              {KindOf[[8]byte](), Immutable}, // alignment 1
		"[4]byte":              {KindOf[[4]byte](), Immutable},
		"[3]byte":              {KindOf[[3]byte](), Immutable},
		"[1]*int":              {KindOf[[1]*int](), Immutable},
		"complex128":           {KindOf[complex128](), Immutable},
		"int16":                {KindOf[int16](), Immutable},
		"bool":                 {KindOf[bool](), Immutable},
		"struct{}":             {KindOf[struct{}](), Immutable},
	} {
		assert.Equal(t, tc.want, tc.got, name)
	}
	if unsafe.Sizeof(uintptr(0)) == 8 {
		assert.Equal(t, Word64, KindOf[int](), "int on a 64-bit platform")
	}
}
