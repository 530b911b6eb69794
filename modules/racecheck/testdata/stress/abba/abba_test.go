// Package abba transfers between two accounts locking them in argument order:
// two opposite transfers deadlock when each takes its first lock before the
// other takes its second, which an unperturbed run practically never does.
package abba

import (
	"sync"
	"testing"
)

type account struct {
	mu      sync.Mutex
	balance int
}

func transfer(from, to *account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= n
	to.balance += n
}

func TestTransfers(t *testing.T) {
	a, b := &account{balance: 10}, &account{balance: 10}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); transfer(a, b, 1) }()
	go func() { defer wg.Done(); transfer(b, a, 1) }()
	wg.Wait()
}
