module textbook/set8

go 1.25
