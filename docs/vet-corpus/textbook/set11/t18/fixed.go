// Fixed version of the t18 pacer: Budget gains TrySpend, which checks
// remaining >= n and adds n to spent in one critical section and reports
// whether it did. ServeFixed still pre-filters on Remaining() (cheap, may be
// stale), but it charges the ledger only after TrySpend succeeded for the
// winner; if that budget ran out in the meantime it moves on to the next
// candidate, so a campaign can never spend beyond its limit.
package t18

import "sort"

// TrySpend atomically reserves n if the budget allows it.
func (b *Budget[N]) TrySpend(n N) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit-b.spent < n {
		return false
	}
	b.spent += n
	return true
}

// Refund gives back a reservation that could not be billed.
func (b *Budget[N]) Refund(n N) {
	b.mu.Lock()
	b.spent -= n
	b.mu.Unlock()
}

func (p *Pacer) ServeFixed(impressionID, placement string, floor Micros) (*Campaign, Micros, error) {
	eligible := func(c *Campaign) bool {
		return c.Targets[placement] && c.BidMicros >= floor && c.Daily.Remaining() >= c.BidMicros
	}
	cands := p.candidates(eligible)
	sort.Slice(cands, func(i, j int) bool { return cands[i].BidMicros > cands[j].BidMicros })
	for i, w := range cands {
		price := floor
		if i+1 < len(cands) {
			price = cands[i+1].BidMicros + 1
		}
		if price > w.BidMicros {
			price = w.BidMicros
		}
		if !w.Daily.TrySpend(price) {
			continue
		}
		if err := p.ledger.Charge(w.ID, impressionID, price); err != nil {
			w.Daily.Refund(price)
			return nil, 0, err
		}
		return w, price, nil
	}
	return nil, 0, ErrNoFill
}
