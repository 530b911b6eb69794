package lockfree

import "errors"

// ErrClosed is returned by queue operations after Close: by Enqueue at once,
// and by Dequeue once every element enqueued before Close has been dequeued.
var ErrClosed = errors.New("lockfree: queue closed")

// ErrInvalidCapacity is returned (wrapped, naming the bad value) by NewQueue for
// a capacity below 1 or above MaxQueueCapacity. The wrapping error's message is
// this one followed by the accepted range and the value given.
var ErrInvalidCapacity = errors.New("lockfree: invalid capacity")
