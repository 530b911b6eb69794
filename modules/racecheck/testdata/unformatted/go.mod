module example.com/unformatted

go 1.25.0
