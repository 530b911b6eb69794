//go:build !racecheck_yield

package lincheck

// yieldAlways is false in normal builds: Yield is active only under EnableYield.
const yieldAlways = false
