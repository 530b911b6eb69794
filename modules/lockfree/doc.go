// Package lockfree provides concurrency building blocks that avoid locks on
// their fast paths: Counter, an adaptive striped counter; Queue, a bounded
// multi-producer multi-consumer queue without spurious failures; UnboundedQueue,
// a segmented unbounded queue; and Value, a typed atomic holder for read-mostly
// data. Nothing in the package uses go:linkname or assembly; package unsafe
// is used in one place, Counter's choice of stripe (internal/affinity), to
// read the address of a stack variable as a number, which is never turned
// back into a pointer.
//
// # ABA
//
// A compare-and-swap succeeds when a word holds the value it expects, not when
// nothing happened to it: if the word went from A to B and back to A in
// between, the compare-and-swap still succeeds and may act on a state that no
// longer exists. Classic lock-free stacks and queues hit this when a node is
// freed and its memory reused for a new node at the same address.
//
// In Go, a pointer-based design that never reuses nodes is safe from ABA: the
// garbage collector does not free, and so cannot hand out again, a node that
// any goroutine still references, including one that has only loaded its
// address into a local variable before a compare-and-swap. Value relies on
// this: Update compares pointers, and a pointer cannot be recycled while
// Update holds it. UnboundedQueue relies on it for its segments.
//
// Queue reuses its slots, lap after lap, so its slots cannot rely on the
// collector. Instead the head and tail are positions that only grow (a lap
// number times a power of two, plus an index), and each slot carries a stamp:
// the position it expects to serve next. A producer that read tail position p
// can only fill the slot if the slot's stamp still says p, and it claims p
// with a compare-and-swap on the tail, which fails if any producer claimed p
// in the meantime. A position is never seen twice (the 63-bit position would
// take centuries to wrap at a billion operations per second), so an A-B-A
// sequence of the same word cannot happen. UnboundedQueue's indexes grow the
// same way.
//
// # Progress guarantees
//
// Value.Load, Store, Swap and CompareAndSwap, Counter.Load, Swap and Reset,
// and Queue.Cap are wait-free: each completes in a bounded number of steps
// whatever other goroutines do. Value.Update, Counter.Add and the queues' Len
// are lock-free: they retry only when another goroutine's operation
// succeeded in between, so some goroutine always makes progress.
//
// The queues are lock-free in the common case and blocking in theory: an
// enqueue first claims a position and then publishes the element into it. If
// the producer is preempted between the two steps, the element at that
// position cannot be dequeued until the producer runs again (and, in Queue, a
// slot whose consumer is preempted between claiming and releasing it cannot be
// refilled). TryDequeue and TryEnqueue wait for the preempted goroutine,
// pausing and then yielding the processor, rather than report a queue that is
// neither empty nor full as such: they never fail spuriously. The blocking
// Dequeue and Enqueue park instead, and the preempted goroutine wakes them
// when it finishes. Nobody waits longer than the preemption lasts, no element
// is lost, and operations on other positions go on.
//
// The blocking methods (Queue.Enqueue, Queue.Dequeue, UnboundedQueue.Dequeue)
// retry briefly and then park: the goroutine blocks in a channel receive and
// uses no CPU until an operation makes progress possible, Close is called, or
// its context is done. A waiter that gives up because of its context never
// takes an element with it.
//
// # Observing contention
//
// Queue.Stats and UnboundedQueue.Stats report how many compare-and-swaps were
// lost and retried and how many times goroutines parked. The counters are only
// updated on those slow paths, and they are Counters, so they add no cost to
// an uncontended operation.
package lockfree
