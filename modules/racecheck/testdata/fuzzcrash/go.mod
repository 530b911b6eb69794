module example.com/fuzzcrash

go 1.25.0
