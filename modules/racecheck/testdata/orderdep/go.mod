module example.com/orderdep

go 1.25
