//go:build mage

// The raceproof build: test, race, fuzz and pipeline come from racecheck's
// magefile package; other magefile_*.go files add targets and TestSteps.
package main

import (
	//mage:import
	_ "github.com/raceproof/raceproof/modules/racecheck/magefile"
)
