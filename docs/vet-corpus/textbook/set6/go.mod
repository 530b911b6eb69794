module textbook/set6

go 1.25
