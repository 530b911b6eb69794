// Package ownmain has its own TestMain, so racecheck cannot add its own to
// check for leaks.
package ownmain

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func TestLeaks(t *testing.T) {
	ch := make(chan int)
	go func() { ch <- 1 }()
}
