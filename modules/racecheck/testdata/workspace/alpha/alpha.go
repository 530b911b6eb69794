// Package alpha is the clean module of the workspace fixture.
package alpha

// Double returns 2n.
func Double(n int) int { return 2 * n }
