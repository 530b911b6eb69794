module github.com/raceproof/raceproof/modules/lockfree

go 1.25.0

require (
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
)
