module textbook/set10

go 1.25
