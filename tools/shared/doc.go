// Package shared is the one source of code that several modules need but
// that no module may import from another (library modules never require each
// other): each subdirectory is a small package that sharedgen copies, with its
// tests, into the internal/ directory of every module that uses it (the table
// sharedgen.Targets). Edit the code here, never a copy, then regenerate:
//
//	go generate ./shared   (in tools; or go tool mage generate at the root)
//
// sharedgen's TestCopiesMatchTheirSource, part of go tool mage test, fails
// when a copy differs from its source.
package shared

//go:generate go run ../cmd/sharedgen -root ../..
