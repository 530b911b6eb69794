module example.com/beta

go 1.25.0
