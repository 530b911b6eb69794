//go:build mage

package main

import (
	//mage:import
	_ "github.com/raceproof/raceproof/modules/racecheck/magefile"
)
