module example.com/kernels

go 1.25.0
