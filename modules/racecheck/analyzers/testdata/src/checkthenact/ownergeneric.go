package checkthenact

import "sync"

// The wheel and its near-miss as generic types: each method names the
// type parameters itself, so its fields and the methods it calls are
// other objects than the type declares; ownership is decided on the
// declared ones.

type genericWheel[K comparable] struct {
	timers sync.Map
	setCh  chan K
}

func newGenericWheel[K comparable]() *genericWheel[K] {
	w := &genericWheel[K]{setCh: make(chan K)}
	go w.run()
	return w
}

func (w *genericWheel[K]) run() {
	for k := range w.setCh {
		w.setTask(k)
	}
}

func (w *genericWheel[Key]) setTask(k Key) {
	if _, ok := w.timers.Load(k); !ok {
		w.timers.Store(k, &timerEntry{})
		close(w.setCh)
	}
}

type sharedGenericWheel[K comparable] struct {
	timers sync.Map
	setCh  chan K
}

func newSharedGenericWheel[K comparable]() *sharedGenericWheel[K] {
	w := &sharedGenericWheel[K]{setCh: make(chan K)}
	go w.run()
	return w
}

func (w *sharedGenericWheel[K]) run() {
	for k := range w.setCh {
		w.setTask(k)
	}
}

func (w *sharedGenericWheel[Key]) setTask(k Key) {
	if _, ok := w.timers.Load(k); !ok {
		w.timers.Store(k, &timerEntry{}) // want `runs only when the check found no entry`
		close(w.setCh)
	}
}

func (w *sharedGenericWheel[T]) Reset(k T) { w.timers.Store(k, &timerEntry{}) }
