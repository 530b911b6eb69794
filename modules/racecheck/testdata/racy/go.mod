module example.com/racy

go 1.25.0
