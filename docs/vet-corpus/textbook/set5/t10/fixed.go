package t10

import "sync"

type urlSetFixed struct {
	mu sync.Mutex
	m  map[string]struct{}
}

// MarkIfNew records u and reports whether this call was the first to do so;
// the membership test and the insert happen under one lock.
func (s *urlSetFixed) MarkIfNew(u string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[u]; ok {
		return false
	}
	if s.m == nil {
		s.m = make(map[string]struct{})
	}
	s.m[u] = struct{}{}
	return true
}

type crawlerFixed struct {
	fetch   Fetcher
	visited urlSetFixed
	sem     chan struct{}
	wg      sync.WaitGroup
	out     chan<- Page
}

// CrawlFixed fetches everything reachable from root and sends each page to
// out exactly once. It closes out when done.
func CrawlFixed(root string, fetch Fetcher, parallel int, out chan<- Page) {
	c := &crawlerFixed{fetch: fetch, sem: make(chan struct{}, parallel), out: out}
	c.wg.Add(1)
	go c.visit(root)
	c.wg.Wait()
	close(out)
}

func (c *crawlerFixed) visit(u string) {
	defer c.wg.Done()
	if !c.visited.MarkIfNew(u) {
		return
	}
	c.sem <- struct{}{}
	p, err := c.fetch(u)
	<-c.sem
	if err != nil {
		return
	}
	c.out <- p
	for _, l := range p.Links {
		c.wg.Add(1)
		go c.visit(l)
	}
}
