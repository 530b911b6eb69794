// Package hugo13019 reconstructs a crash in Hugo 0.137: short page lookups
// ({{ site.GetPage "name" }} with a name that is not a full path) cache their
// answers in a plain map, and templates render pages concurrently, so one
// goroutine writes the cache while another reads it.
//
//   - Project: gohugoio/hugo (hugolib, page lookups)
//   - Bug report: https://github.com/gohugoio/hugo/issues/13019
//   - Fix: https://github.com/gohugoio/hugo/pull/13020 (the lookup cache is guarded)
//   - Shape: concurrent map read and write on a lazily filled cache.
//   - Fixed twin: the cache is guarded by a sync.RWMutex (the upstream fix
//     guards the lookup map), read under RLock and filled under Lock.
package hugo13019

import (
	"strings"
	"sync"
)

// Site holds the pages of a site.
type Site struct {
	paths []string // full paths of all pages

	mu    sync.RWMutex
	short map[string]string // short name -> full path, filled on first lookup
}

// NewSite returns a site with the given page paths.
func NewSite(paths []string) *Site {
	return &Site{paths: paths, short: make(map[string]string)}
}

// GetPage resolves a full path or a short name to a page path.
func (s *Site) GetPage(ref string) string {
	s.mu.RLock()
	p, ok := s.short[ref]
	s.mu.RUnlock()
	if ok {
		return p
	}
	for _, p := range s.paths {
		if p == ref || strings.HasSuffix(p, "/"+ref+".md") {
			s.mu.Lock()
			s.short[ref] = p
			s.mu.Unlock()
			return p
		}
	}
	return ""
}
