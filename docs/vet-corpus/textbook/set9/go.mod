module textbook/set9

go 1.25
