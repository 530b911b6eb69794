// Package broken is a fixture that does not compile.
package broken

func Broken() int { return undefinedName }
