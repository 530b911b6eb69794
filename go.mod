module github.com/raceproof/raceproof

go 1.25.0

tool github.com/magefile/mage

require (
	github.com/magefile/mage v1.17.2
	github.com/raceproof/raceproof/modules/racecheck v0.0.0
)

require (
	golang.org/x/mod v0.39.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/tools v0.49.0 // indirect
)

replace github.com/raceproof/raceproof/modules/racecheck => ./modules/racecheck
