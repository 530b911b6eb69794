module example.com/parallel

go 1.25.0
