// Command mapiter ranges over a plain map while another goroutine writes, for
// at most the number of seconds in its first argument. With the second
// argument "shared" the writer writes the map being ranged over: Go's runtime
// detects this and stops the program with "fatal error: concurrent map
// iteration and map write". With "separate" the writer writes a map of its
// own, so there is nothing to detect and the program runs to the end. If it
// is never stopped, the program says so and exits 0.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 3 || (os.Args[2] != "shared" && os.Args[2] != "separate") {
		fmt.Fprintln(os.Stderr, "usage: mapiter seconds shared|separate")
		os.Exit(64)
	}
	secs, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: mapiter seconds shared|separate")
		os.Exit(64)
	}
	m := map[int]int{}
	for i := range 1000 {
		m[i] = i
	}
	written := m
	if os.Args[2] == "separate" {
		written = map[int]int{}
	}
	go func() {
		for i := 0; ; i++ {
			written[i%2000] = i
		}
	}()
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	iterations := 0
	for time.Now().Before(deadline) {
		for range m {
		}
		iterations++
	}
	fmt.Printf("no crash after %d full iterations\n", iterations)
}
