// Command lazymain sets package-level variables on first use in its main
// goroutine: no race, whatever calls them.
package main

import "os"

var cachedHome string

// Home is exported, but a command has no importers.
func Home() string {
	if cachedHome != "" {
		return cachedHome
	}
	cachedHome = os.Getenv("HOME")
	return cachedHome
}

func main() { println(Home()) }
