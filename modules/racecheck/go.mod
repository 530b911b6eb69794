module github.com/raceproof/raceproof/modules/racecheck

go 1.25.0

require (
	github.com/anishathalye/porcupine v1.3.1 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/tools v0.49.0 // indirect
)
