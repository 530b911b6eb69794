module textbook/set12

go 1.25
