// Command maplookup is compiled with `go tool compile -S` to show which
// runtime function an ordinary map lookup calls: the same one a go:linkname
// "fast path" would reach. It imports nothing so it compiles on its own.
package main

var table = map[string]int{"a": 1}

//go:noinline
func lookup(m map[string]int, k string) (int, bool) {
	v, ok := m[k]
	return v, ok
}

func main() {
	v, ok := lookup(table, "a")
	println(v, ok)
}
