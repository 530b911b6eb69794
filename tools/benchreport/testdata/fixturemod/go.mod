module fixturemod

go 1.25.0
