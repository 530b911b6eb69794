// Package clean is a fixture module with passing tests and a passing fuzz target.
package clean

// Reverse returns s reversed byte by byte.
func Reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
