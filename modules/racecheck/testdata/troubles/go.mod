module example.com/troubles

go 1.25.0
