// Package unformatted is a fixture with one unformatted file.
package unformatted
