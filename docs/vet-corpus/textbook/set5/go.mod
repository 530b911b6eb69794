module textbook/set5

go 1.25
