module github.com/raceproof/raceproof/modules/racecheck/leakcheck

go 1.25.0
