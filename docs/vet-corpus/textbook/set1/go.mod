module textbook/set1

go 1.25
