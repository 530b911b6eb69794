module textbook/set4

go 1.25
