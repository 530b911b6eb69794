package checkthenact

// Deletes that repair an entry of a type nothing stores: issue #19's
// follow-up cases from dubbo-go (registry/directory, registry/protocol).

import (
	"sync"
	"time"
)

type invoker interface{ URL() string }

type httpInvoker struct{ url string }

func (h *httpInvoker) URL() string { return h.url }

type directory struct {
	invokers sync.Map
	mixed    sync.Map
	Exported sync.Map
	handed   sync.Map
}

// cachedInvoker tests an entry's type, as dubbo-go's helper of that name.
func cachedInvoker(value any) (invoker, bool) {
	inv, ok := value.(invoker)
	if !ok || inv == nil {
		return nil, false
	}
	return inv, true
}

// Every store puts an invoker into the map, so the Delete runs only for an
// entry nothing stores; it cannot remove a fresh one.
func (d *directory) lookup(key string) invoker {
	v, ok := d.invokers.Load(key)
	if !ok {
		return nil
	}
	inv, ok := cachedInvoker(v)
	if !ok {
		d.invokers.Delete(key)
		return nil
	}
	return inv
}

func (d *directory) add(key, url string) {
	var inv invoker = &httpInvoker{url: url}
	d.invokers.Store(key, inv)
	d.invokers.LoadOrStore(key+"/backup", &httpInvoker{url: url})
}

// The same, with the type assertion written inline.
func (d *directory) lookupInline(key string) invoker {
	v, loaded := d.invokers.Load(key)
	if loaded {
		inv, ok := v.(invoker)
		if !ok {
			d.invokers.Delete(key)
		}
		return inv
	}
	return nil
}

// A map that also gets values of another type: the Delete can remove one
// of them, stored in between.
func (d *directory) lookupMixed(key string) invoker {
	v, ok := d.mixed.Load(key)
	if !ok {
		return nil
	}
	inv, ok := cachedInvoker(v)
	if !ok {
		d.mixed.Delete(key) // want `is decided by the loaded value`
		return nil
	}
	return inv
}

func (d *directory) addMixed(key, url string) {
	d.mixed.Store(key, &httpInvoker{url: url})
	d.mixed.Store(key+"/name", url)
}

// openkruise/kruise pkg/util/requeueduration at d9f1a5f1 (the fix of
// "use atomic LoadAndDelete"): Push repairs an entry of the wrong type,
// and Pop takes entries with LoadAndDelete, which stores nothing; every
// store puts a *requeueDuration, so the repair never runs against one.
type durationStore struct{ store sync.Map }

type requeueDuration struct {
	mu sync.Mutex
	d  time.Duration
}

func (ds *durationStore) Push(key string, d time.Duration) {
	value, _ := ds.store.LoadOrStore(key, &requeueDuration{})
	rd, ok := value.(*requeueDuration)
	if !ok {
		ds.store.Delete(key)
		return
	}
	rd.mu.Lock()
	rd.d = d
	rd.mu.Unlock()
}

func (ds *durationStore) Pop(key string) time.Duration {
	value, ok := ds.store.LoadAndDelete(key)
	if !ok {
		return 0
	}
	rd, ok := value.(*requeueDuration)
	if !ok {
		return 0
	}
	return rd.d
}

// An exported map can be stored into from anywhere.
func (d *directory) lookupExported(key string) invoker {
	v, ok := d.Exported.Load(key)
	if !ok {
		return nil
	}
	inv, ok := cachedInvoker(v)
	if !ok {
		d.Exported.Delete(key) // want `is decided by the loaded value`
		return nil
	}
	return inv
}

func (d *directory) addExported(key, url string) {
	d.Exported.Store(key, &httpInvoker{url: url})
}

// A map whose address is handed on can be stored into by whoever gets it.
func fill(m *sync.Map, key string) { m.Store(key, key) }

func (d *directory) lookupHanded(key string) invoker {
	d.handed.Store(key, &httpInvoker{url: key})
	fill(&d.handed, key)
	v, ok := d.handed.Load(key)
	if !ok {
		return nil
	}
	inv, ok := cachedInvoker(v)
	if !ok {
		d.handed.Delete(key) // want `is decided by the loaded value`
		return nil
	}
	return inv
}

// A Delete decided by the value's content, not its type, acts on a stale
// entry whatever is stored.
func (d *directory) dropStale(key, url string) {
	v, ok := d.invokers.Load(key)
	if !ok {
		return
	}
	inv, ok := cachedInvoker(v)
	if !ok || inv.URL() != url {
		d.invokers.Delete(key) // want `is decided by the loaded value`
	}
}

// dubbo-go config_center/file/listener.go: a watcher stores a file's content
// unless the cache already holds the same. Whatever happens in between,
// the map ends as an unconditional Store would leave it.
type contentWatcher struct {
	contents sync.Map
	events   chan string
}

func readContent(name string) string { return name }

func (w *contentWatcher) watch() {
	for name := range w.events {
		content := readContent(name)
		if prev, ok := w.contents.Load(name); ok {
			if prevStr, ok := prev.(string); ok && prevStr == content {
				continue
			}
		}
		w.contents.Store(name, content)
	}
}

// The same test written the other way round.
func (w *contentWatcher) update(name string) bool {
	content := readContent(name)
	prev, _ := w.contents.Load(name)
	if prev != content {
		w.contents.Store(name, content)
		return true
	}
	return false
}

// Skipped when equal to one value, storing another: the decision is stale.
func (w *contentWatcher) updateOther(name, next string) {
	content := readContent(name)
	if prev, ok := w.contents.Load(name); ok && prev == content {
		return
	}
	w.contents.Store(name, next) // want `is decided by the loaded value`
}

// Stored only when equal (a confirmation): the entry may have changed.
func (w *contentWatcher) confirm(name string) {
	content := readContent(name)
	if prev, ok := w.contents.Load(name); ok && prev != content {
		return
	}
	w.contents.Store(name, content+"!") // want `is decided by the loaded value`
}

// A helper handed the loaded value but testing another one says nothing
// about the entry's type.
func otherInvoker(v, other any) (invoker, bool) {
	inv, ok := other.(invoker)
	if v == nil {
		return nil, false
	}
	return inv, ok
}

func (d *directory) dropForOther(key string, other any) {
	v, ok := d.invokers.Load(key)
	if !ok {
		return
	}
	if _, ok := otherInvoker(v, other); !ok {
		d.invokers.Delete(key) // want `is decided by the loaded value`
	}
}
