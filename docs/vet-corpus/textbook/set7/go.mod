module textbook/set7

go 1.25
