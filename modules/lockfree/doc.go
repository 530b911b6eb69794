// Package lockfree is part of raceproof.
package lockfree
