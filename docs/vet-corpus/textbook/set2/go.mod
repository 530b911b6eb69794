module textbook/set2

go 1.25
