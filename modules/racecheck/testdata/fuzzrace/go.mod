module example.com/fuzzrace

go 1.25.0
