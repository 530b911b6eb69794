// Package racecheck is part of raceproof.
package racecheck
