// Package magefile tmp.
package magefile

import "fmt"

// Hello says hi.
func Hello() { fmt.Println("hi") }
