// Command mapiter ranges over a plain map while another goroutine writes to
// it, for at most the number of seconds in its first argument. Go's runtime
// detects this and stops the program with "fatal error: concurrent map
// iteration and map write"; if it never does, the program says so and exits 0.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	secs, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: mapiter seconds")
		os.Exit(64)
	}
	m := map[int]int{}
	for i := range 1000 {
		m[i] = i
	}
	go func() {
		for i := 0; ; i++ {
			m[i%2000] = i
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
