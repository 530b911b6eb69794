module textbook/set11

go 1.25
