package hugo13019

import (
	"fmt"
	"sync"
	"testing"
)

// buildLog is the build's log, shared by the renderers.
type buildLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *buildLog) printf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func TestRenderPagesInParallel(t *testing.T) {
	site := NewSite([]string{"/blog/intro.md", "/blog/setup.md", "/docs/faq.md"})
	var log buildLog
	pages := map[string][]string{"/blog/setup.md": {"intro", "faq"}, "/docs/faq.md": {"setup", "intro"}}
	var wg sync.WaitGroup
	for page, refs := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.printf("rendering %s", page)
			for _, ref := range refs {
				if site.GetPage(ref) == "" {
					t.Errorf("GetPage(%q) found nothing", ref)
				}
			}
			log.printf("rendered %s", page)
		}()
	}
	wg.Wait()
}
