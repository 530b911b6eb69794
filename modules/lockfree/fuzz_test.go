package lockfree

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzQueue runs an operation sequence against a Queue and a slice model.
// ops[0] picks the capacity; each later byte is an operation (low 3 bits) and
// an argument (the rest).
func FuzzQueue(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 0, 1, 1, 1, 1, 2, 3})
	f.Add([]byte{0, 0, 8, 1, 9, 4, 0, 1, 5, 6, 1})
	f.Add([]byte{7, 0, 2, 0, 2, 0, 2, 1, 3, 1, 3, 4, 0, 5, 7})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) == 0 {
			return
		}
		capacity := int(ops[0]%16) + 1
		q, err := NewQueue[int](capacity)
		require.NoError(t, err)
		var model []int
		closed := false
		ctx := context.Background()
		for i, op := range ops[1:] {
			arg := int(op>>3) + i*32
			switch op & 7 {
			case 0, 2: // TryEnqueue
				ok := q.TryEnqueue(arg)
				want := !closed && len(model) < capacity
				require.Equal(t, want, ok, "TryEnqueue op %d", i)
				if ok {
					model = append(model, arg)
				}
			case 1, 3: // TryDequeue
				v, ok := q.TryDequeue()
				require.Equal(t, len(model) > 0, ok, "TryDequeue op %d", i)
				if ok {
					require.Equal(t, model[0], v)
					model = model[1:]
				}
			case 4: // Enqueue, only when it cannot wait
				if closed {
					require.ErrorIs(t, q.Enqueue(ctx, arg), ErrClosed)
				} else if len(model) < capacity {
					require.NoError(t, q.Enqueue(ctx, arg))
					model = append(model, arg)
				}
			case 5: // Dequeue, only when it cannot wait
				if len(model) > 0 {
					v, err := q.Dequeue(ctx)
					require.NoError(t, err)
					require.Equal(t, model[0], v)
					model = model[1:]
				} else if closed {
					_, err := q.Dequeue(ctx)
					require.ErrorIs(t, err, ErrClosed)
				}
			case 6:
				require.Equal(t, len(model), q.Len())
				require.Equal(t, capacity, q.Cap())
			case 7:
				if op>>3 == 0 {
					q.Close()
					closed = true
				}
			}
		}
		require.Equal(t, len(model), q.Len())
	})
}

// FuzzUnboundedQueue runs an operation sequence against an UnboundedQueue and
// a slice model. A run-length argument makes long bursts, so segment
// boundaries are crossed.
func FuzzUnboundedQueue(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 1, 1, 2})
	f.Add([]byte{0xf8, 0xf8, 0xf9, 2, 0xf9, 3})
	f.Add([]byte{0x80, 0x81, 0x82, 3, 0x81, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var q UnboundedQueue[int]
		var model []int
		closed := false
		next := 0
		for i, op := range ops {
			n := int(op>>2) + 1
			switch op & 3 {
			case 0:
				if closed {
					require.ErrorIs(t, q.Enqueue(next), ErrClosed)
					continue
				}
				for range n {
					require.NoError(t, q.Enqueue(next))
					model = append(model, next)
					next++
				}
			case 1:
				for range n {
					v, ok := q.TryDequeue()
					require.Equal(t, len(model) > 0, ok, "TryDequeue op %d", i)
					if !ok {
						break
					}
					require.Equal(t, model[0], v)
					model = model[1:]
				}
			case 2:
				require.Equal(t, len(model), q.Len())
				if len(model) > 0 || closed {
					v, err := q.Dequeue(context.Background())
					if len(model) == 0 {
						require.ErrorIs(t, err, ErrClosed)
						continue
					}
					require.NoError(t, err)
					require.Equal(t, model[0], v)
					model = model[1:]
				}
			case 3:
				if n == 1 {
					q.Close()
					closed = true
				}
			}
		}
		require.Equal(t, len(model), q.Len())
	})
}

// FuzzCounter checks Counter against an int64 model, forcing the contended
// path (table creation, collisions, growth) for part of the sequence.
func FuzzCounter(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{255, 0, 128, 17, 33, 65})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var c Counter
		var model int64
		for i, op := range ops {
			d := int64(op>>3) - 16
			switch op & 7 {
			case 0, 1, 2:
				c.Add(d)
				model += d
			case 3:
				// As after a lost compare-and-swap: creates the table,
				// moves to another stripe, grows the table.
				c.addContended(c.table.Load(), d)
				model += d
			case 4:
				c.Inc()
				c.Dec()
				c.Inc()
				model++
			case 5:
				require.Equal(t, model, c.Swap(), "Swap op %d", i)
				model = 0
			case 6:
				c.Reset()
				model = 0
			case 7:
				require.Equal(t, model, c.Load(), "Load op %d", i)
			}
		}
		require.Equal(t, model, c.Load())
	})
}

// FuzzValue checks Value's operations against a model pointer.
func FuzzValue(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 0, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var v Value[int]
		var model *int
		ptrs := []*int{new(int), new(int), nil}
		for _, op := range ops {
			p := ptrs[int(op>>3)%len(ptrs)]
			switch op & 7 {
			case 0:
				v.Store(p)
				model = p
			case 1:
				require.Same(t, model, v.Swap(p))
				model = p
			case 2:
				old := ptrs[int(op>>4)%len(ptrs)]
				require.Equal(t, old == model, v.CompareAndSwap(old, p))
				if old == model {
					model = p
				}
			case 3:
				got := v.Update(func(old *int) *int {
					require.Same(t, model, old)
					return p
				})
				require.Same(t, p, got)
				model = p
			default:
				require.Same(t, model, v.Load())
			}
		}
	})
}
