// Command linkname pulls an internal runtime map function with go:linkname.
// Since Go 1.23 the linker rejects such references unless the runtime marks
// the symbol as linkable (-checklinkname, go.dev/issue/67401); building it is
// the experiment, running it does nothing useful.
package main

import (
	"fmt"
	_ "unsafe" // for go:linkname
)

//go:linkname mapIterStart runtime.mapIterStart
func mapIterStart()

func main() {
	fmt.Println("linked", mapIterStart != nil)
}
