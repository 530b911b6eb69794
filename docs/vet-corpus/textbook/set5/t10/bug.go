// Package t10 is a small site crawler used to build a search index of an
// internal documentation site. Crawl starts one goroutine per discovered
// link (tracked with a sync.WaitGroup, bounded by a semaphore channel) and
// records visited URLs in a set backed by a map and a sync.Mutex, exposed
// through Seen and Mark helper methods. Each page fetched is sent to the
// indexer exactly once — that is the intent.
//
// BUG (check-then-act on map+Mutex set, split across helper methods): the
// check is visited.Seen(u) in visit, the act is visited.Mark(u). Pages that
// link to each other (nav bars, "see also") are discovered by several crawler
// goroutines at once; they all see "not seen" before any of them marks it.
// Each then fetches the page and emits it to the indexer, so the same
// document is fetched repeatedly (load on the docs server) and indexed
// several times (duplicate search hits).
package t10

import (
	"sync"
)

// Page is a fetched document.
type Page struct {
	URL   string
	Body  string
	Links []string
}

// Fetcher retrieves one page.
type Fetcher func(url string) (Page, error)

type urlSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

// Seen reports whether u was already crawled.
func (s *urlSet) Seen(u string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[u]
	return ok
}

// Mark records u as crawled.
func (s *urlSet) Mark(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]struct{})
	}
	s.m[u] = struct{}{}
}

type crawler struct {
	fetch   Fetcher
	visited urlSet
	sem     chan struct{}
	wg      sync.WaitGroup
	out     chan<- Page
}

// Crawl fetches everything reachable from root and sends pages to out.
// It closes out when done.
func Crawl(root string, fetch Fetcher, parallel int, out chan<- Page) {
	c := &crawler{fetch: fetch, sem: make(chan struct{}, parallel), out: out}
	c.wg.Add(1)
	go c.visit(root)
	c.wg.Wait()
	close(out)
}

func (c *crawler) visit(u string) {
	defer c.wg.Done()
	if c.visited.Seen(u) {
		return
	}
	c.sem <- struct{}{}
	p, err := c.fetch(u)
	<-c.sem
	c.visited.Mark(u)
	if err != nil {
		return
	}
	c.out <- p
	for _, l := range p.Links {
		c.wg.Add(1)
		go c.visit(l)
	}
}
