// Command racecheck-vet runs the racecheck analyzers under go vet:
//
//	go install github.com/raceproof/raceproof/modules/racecheck/cmd/racecheck-vet@latest
//	go vet -vettool=$(which racecheck-vet) ./...
//
// Flags such as -checkthenact=false disable single analyzers. For a
// standalone run with suggested fixes (-fix), use `racecheck vet`.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers"
)

func main() { unitchecker.Main(analyzers.All...) }
