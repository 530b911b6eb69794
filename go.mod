module github.com/raceproof/raceproof

go 1.25.0

tool github.com/magefile/mage

require (
	github.com/magefile/mage v1.17.2 // indirect
	github.com/raceproof/raceproof/modules/racecheck v0.0.0
)

replace github.com/raceproof/raceproof/modules/racecheck => ./modules/racecheck
