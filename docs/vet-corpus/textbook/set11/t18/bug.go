// Package t18 is the budget pacing step of an ad server in the style of
// open-source RTB stacks (Prebid Server / OpenRTB bidders): each campaign has a
// daily budget (a generic, mutex-protected Budget[N]); an impression runs a
// small auction among campaigns that can still afford their bid, and the
// winner is charged.
//
// Concurrency: the HTTP server runs Pacer.Serve on one goroutine per ad
// request, thousands per second; Budget methods each lock b.mu; the campaign
// map is read under p.mu.RLock.
//
// BUG: Serve filters campaigns with the closure eligible (Daily.Remaining() >=
// bid), runs the auction, and later the commit closure calls Daily.Spend(price)
// and records the charge. Near the end of a budget many concurrent auctions
// all see the same remaining amount and all win.
// check: c.Daily.Remaining() >= c.BidMicros (in eligible) -> act: w.Daily.Spend(price) (in commit).
//
// HARM: the campaign overspends its daily cap, by up to one bid per concurrent
// request; the ledger bills the advertiser beyond the contractual budget (or
// the platform eats the difference), and spent can exceed limit by a lot on a
// busy exchange.
package t18

import (
	"errors"
	"sort"
	"sync"
)

// Number is what a budget can be denominated in.
type Number interface {
	~int64 | ~float64
}

// Micros is money in millionths of a currency unit.
type Micros int64

// Budget is a spend cap.
type Budget[N Number] struct {
	mu    sync.Mutex
	limit N
	spent N
}

func NewBudget[N Number](limit N) *Budget[N] { return &Budget[N]{limit: limit} }

func (b *Budget[N]) Remaining() N {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limit - b.spent
}

func (b *Budget[N]) Spend(n N) {
	b.mu.Lock()
	b.spent += n
	b.mu.Unlock()
}

// Campaign is an advertiser's line item.
type Campaign struct {
	ID        string
	BidMicros Micros
	Daily     *Budget[Micros]
	Targets   map[string]bool // placement IDs
}

// Ledger records billable events.
type Ledger interface {
	Charge(campaignID, impressionID string, price Micros) error
}

// Pacer runs auctions.
type Pacer struct {
	ledger Ledger

	mu        sync.RWMutex
	campaigns map[string]*Campaign
}

var ErrNoFill = errors.New("no eligible campaign")

func NewPacer(l Ledger, cs ...*Campaign) *Pacer {
	p := &Pacer{ledger: l, campaigns: make(map[string]*Campaign)}
	for _, c := range cs {
		p.campaigns[c.ID] = c
	}
	return p
}

func (p *Pacer) candidates(keep func(*Campaign) bool) []*Campaign {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []*Campaign
	for _, c := range p.campaigns {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// Serve picks the winning campaign for an impression and charges it a
// second-price clearing price.
func (p *Pacer) Serve(impressionID, placement string, floor Micros) (*Campaign, Micros, error) {
	eligible := func(c *Campaign) bool {
		return c.Targets[placement] && c.BidMicros >= floor && c.Daily.Remaining() >= c.BidMicros
	}
	cands := p.candidates(eligible)
	if len(cands) == 0 {
		return nil, 0, ErrNoFill
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].BidMicros > cands[j].BidMicros })
	w := cands[0]
	price := floor
	if len(cands) > 1 {
		price = cands[1].BidMicros + 1
	}
	if price > w.BidMicros {
		price = w.BidMicros
	}
	commit := func() error {
		w.Daily.Spend(price)
		return p.ledger.Charge(w.ID, impressionID, price)
	}
	if err := commit(); err != nil {
		return nil, 0, err
	}
	return w, price, nil
}
