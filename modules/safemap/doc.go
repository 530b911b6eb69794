// Package safemap is part of raceproof.
package safemap
