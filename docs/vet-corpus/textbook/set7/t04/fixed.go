// Fix: a token is taken with a CompareAndSwap loop, so "a token is left" and
// "take it" are one atomic step; the count can never go below zero and no
// more than max retries happen per window. (Client.Do calls TryTakeFixed.)

package t04

// TryTakeFixed consumes one retry token and reports whether one was available.
func (b *RetryBudget) TryTakeFixed() bool {
	for {
		n := b.tokens.Load()
		if n <= 0 {
			return false
		}
		if b.tokens.CompareAndSwap(n, n-1) {
			return true
		}
	}
}
