module textbook/set3

go 1.25
