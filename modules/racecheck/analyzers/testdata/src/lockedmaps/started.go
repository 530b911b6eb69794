package lockedmaps

import (
	"log"
	"sync"
)

// apache/dubbo-go remoting/kubernetes/listener.go at ae667e98c3 (fixed in
// 059f9b853, "Add double check for RWMutex"): a key is looked up under the
// read lock, marked as listened under the write lock, and its watchers
// start after the unlock. Two goroutines that both miss both mark it and
// both start watchers: every event of the key is delivered twice.
type eventListener struct {
	keyMapLock sync.RWMutex
	keyMap     map[string]struct{}
}

func (l *eventListener) watch(key string) {}

func (l *eventListener) listenServiceEvent(key string) {
	l.keyMapLock.RLock()
	_, ok := l.keyMap[key]
	l.keyMapLock.RUnlock()
	if ok {
		log.Printf("key %s has already been listened", key)
		return
	}

	l.keyMapLock.Lock()
	l.keyMap[key] = struct{}{} // want `l.keyMap\[key\] = … after l.keyMap\[key\] on line 22 runs only when the check found no entry, but is not atomic with it: another goroutine can store key in between, and although both store the same value, both go on as the one that inserted it; use one lock held across the check and the write`
	l.keyMapLock.Unlock()

	children, err := l.children(key)
	if err != nil {
		log.Printf("children of %s: %v", key, err)
	}
	for _, c := range children {
		log.Print(c)
	}

	go l.watch(key)
	go func() { l.watch(key + "/") }()
}

func (l *eventListener) children(key string) ([]string, error) { return nil, nil }

// The fix: a second look under the write lock.
func (l *eventListener) listenServiceEventFixed(key string) {
	l.keyMapLock.RLock()
	_, ok := l.keyMap[key]
	l.keyMapLock.RUnlock()
	if ok {
		return
	}

	l.keyMapLock.Lock()
	if _, ok := l.keyMap[key]; ok {
		l.keyMapLock.Unlock()
		return
	}
	l.keyMap[key] = struct{}{}
	l.keyMapLock.Unlock()

	go l.watch(key)
}

// Near-miss: the goroutine starts on one path only, where the marker was
// already there before; what follows the insert on every path is logging.
func (l *eventListener) remember(key string, restart bool) {
	l.keyMapLock.RLock()
	_, ok := l.keyMap[key]
	l.keyMapLock.RUnlock()
	if ok {
		if restart {
			go l.watch(key)
		}
		return
	}
	l.keyMapLock.Lock()
	l.keyMap[key] = struct{}{}
	l.keyMapLock.Unlock()
	log.Printf("remembered %s", key)
}
