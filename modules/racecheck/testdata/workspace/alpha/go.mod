module example.com/alpha

go 1.25.0
