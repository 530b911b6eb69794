package safemap

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forProcs runs f at GOMAXPROCS 1, 2 and 4, restoring the setting after.
func forProcs(t *testing.T, f func(t *testing.T)) {
	for _, p := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("procs=%d", p), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
			f(t)
		})
	}
}

// scale shrinks iteration counts under the race detector, which is about
// ten times slower.
func scale(n int) int {
	if raceEnabled || testing.Short() {
		return max(n/8, 1)
	}
	return n
}

// churn inserts and deletes keys in [base, base+n) until stop is closed, so
// that the table grows and shrinks under the other goroutines.
func churn[V any](m *Map[int, V], base, n int, v V, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		for i := range n {
			m.Store(base+i, v)
		}
		for i := range n {
			m.Delete(base + i)
		}
		select {
		case <-stop:
			return
		default:
		}
	}
}

// TestStressUpdateConservesTotal moves amounts between accounts with Update
// while the table grows and shrinks, and checks that every consistent
// reader (Snapshot, and a read-only Update over all accounts) sees the
// conserved total.
func TestStressUpdateConservesTotal(t *testing.T) {
	forProcs(t, func(t *testing.T) {
		const accounts, initial = 32, 1000
		var m Map[int, int]
		keys := make([]int, accounts)
		for i := range keys {
			keys[i] = i
			m.Store(i, initial)
		}
		stop := make(chan struct{})
		var bg, workers sync.WaitGroup
		bg.Add(1)
		go churn(&m, 1<<20, 3000, -1, stop, &bg)
		var checks atomic.Int64
		bg.Add(2)
		go func() {
			defer bg.Done()
			for {
				sum := 0
				for k, v := range m.Snapshot() {
					if k < accounts {
						sum += v
					}
				}
				if !assert.Equal(t, accounts*initial, sum, "Snapshot saw a half-applied Update") {
					return
				}
				checks.Add(1)
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
		go func() {
			defer bg.Done()
			for {
				m.Update(keys, func(b *Batch[int, int]) {
					sum := 0
					for _, k := range keys {
						v, _ := b.Load(k)
						sum += v
					}
					assert.Equal(t, accounts*initial, sum, "a reading Update saw a half-applied Update")
				})
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
		for w := range 4 {
			workers.Add(1)
			go func() {
				defer workers.Done()
				r := rand.New(rand.NewPCG(uint64(w), 7))
				for range scale(3000) {
					from, to := r.IntN(accounts), r.IntN(accounts)
					amount := r.IntN(50)
					m.Update([]int{from, to}, func(b *Batch[int, int]) {
						f, _ := b.Load(from)
						b.Store(from, f-amount)
						tv, _ := b.Load(to)
						b.Store(to, tv+amount)
					})
				}
			}()
		}
		workers.Wait()
		close(stop)
		bg.Wait()
		sum := 0
		for _, k := range keys {
			v, ok := m.Load(k)
			require.True(t, ok)
			sum += v
		}
		assert.Equal(t, accounts*initial, sum)
		assert.Positive(t, checks.Load())
	})
}

// TestStressUpdateAtomicForLoads has each Update bump a version key g of a
// pair and, in the same batch, store the version in key a when it is odd
// and delete a when it is even. A reader Loads g, then a, then g again: if
// both g Loads agree, no batch of the pair committed in between, so a must
// be in exactly the state of that version. Any Load that saw part of a
// batch (a store or a delete without the version bump, or the reverse)
// fails the check.
func TestStressUpdateAtomicForLoads(t *testing.T) {
	forProcs(t, func(t *testing.T) {
		const pairs = 8
		var m Map[int, int]
		stop := make(chan struct{})
		var bg, writers sync.WaitGroup
		bg.Add(1)
		go churn(&m, 1<<20, 2000, 0, stop, &bg)
		for w := range 3 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				r := rand.New(rand.NewPCG(uint64(w), 9))
				for range scale(4000) {
					p := r.IntN(pairs)
					g, a := 2*p, 2*p+1
					m.Update([]int{g, a}, func(b *Batch[int, int]) {
						v, _ := b.Load(g)
						v++
						b.Store(g, v)
						if v%2 == 1 {
							b.Store(a, v)
						} else {
							b.Delete(a)
						}
					})
				}
			}()
		}
		var agreed atomic.Int64
		for i := range 2 {
			bg.Add(1)
			go func() {
				defer bg.Done()
				r := rand.New(rand.NewPCG(uint64(i), 4))
				for {
					p := r.IntN(pairs)
					g, a := 2*p, 2*p+1
					g1, _ := m.Load(g)
					va, ok := m.Load(a)
					g2, _ := m.Load(g)
					if g1 == g2 {
						agreed.Add(1)
						if !assert.Equal(t, g1%2 == 1, ok, "presence of a does not match version %d", g1) {
							return
						}
						if ok && !assert.Equal(t, g1, va, "a Load saw part of an Update") {
							return
						}
					}
					select {
					case <-stop:
						return
					default:
					}
				}
			}()
		}
		writers.Wait()
		close(stop)
		bg.Wait()
		assert.Positive(t, agreed.Load())
	})
}

func TestStressLoadOrComputeOnce(t *testing.T) {
	forProcs(t, func(t *testing.T) {
		const keys, goroutines = 500, 6
		var m Map[int, int]
		var calls [keys]atomic.Int32
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range keys {
					k := (i + g*37) % keys
					v, _, err := m.LoadOrCompute(k, func() (int, error) {
						calls[k].Add(1)
						return k * 10, nil
					})
					assert.NoError(t, err)
					assert.Equal(t, k*10, v)
				}
			}()
		}
		wg.Wait()
		for k := range keys {
			assert.Equal(t, int32(1), calls[k].Load(), "key %d", k)
		}
		assert.Equal(t, keys, m.Len())
	})
}

func TestStressComputeCounts(t *testing.T) {
	forProcs(t, func(t *testing.T) {
		var m Map[string, int]
		n := scale(2000)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range n {
					m.Compute(fmt.Sprint(i%10), func(old int, _ bool) (int, ComputeOp) { return old + 1, UpdateOp })
				}
			}()
		}
		wg.Wait()
		total := 0
		for _, v := range m.Snapshot() {
			total += v
		}
		assert.Equal(t, 4*n, total)
	})
}

// TestStressNoLostKeys has each worker own a key range that it fills and
// empties (growing and shrinking the table) while checking its keys with
// Load, and concurrently checks that Range visits every stable key exactly
// once and never sees a key twice.
func TestStressNoLostKeys(t *testing.T) {
	forProcs(t, func(t *testing.T) {
		const stable = 1000
		var m Map[int, int]
		for i := range stable {
			m.Store(-1-i, i)
		}
		var workers sync.WaitGroup
		for w := range 3 {
			workers.Add(1)
			go func() {
				defer workers.Done()
				base := (w + 1) << 20
				n := scale(4000)
				for round := range 3 {
					for i := range n {
						m.Store(base+i, round)
					}
					for i := range n {
						v, ok := m.Load(base + i)
						if !assert.True(t, ok, "key lost") || !assert.Equal(t, round, v) {
							return
						}
					}
					for i := range n {
						_, ok := m.LoadAndDelete(base + i)
						if !assert.True(t, ok, "key lost before delete") {
							return
						}
					}
				}
			}()
		}
		done := make(chan struct{})
		var checker sync.WaitGroup
		checker.Add(1)
		go func() {
			defer checker.Done()
			for {
				seen := map[int]bool{}
				stableSeen := 0
				for k, v := range m.All() {
					if !assert.False(t, seen[k], "Range visited %d twice", k) {
						return
					}
					seen[k] = true
					if k < 0 {
						assert.Equal(t, -1-k, v)
						stableSeen++
					}
				}
				assert.Equal(t, stable, stableSeen, "Range missed keys present throughout")
				select {
				case <-done:
					return
				default:
				}
			}
		}()
		workers.Wait()
		close(done)
		checker.Wait()
		assert.Equal(t, stable, m.Len())
		s := m.Stats()
		assert.Equal(t, stable, s.Entries)
		assert.Positive(t, s.Growths)
	})
}

func TestStressMixedAgainstRWMutexModel(t *testing.T) {
	// Every goroutine owns disjoint keys, so its own view must match a
	// private model exactly even while the others resize the table.
	forProcs(t, func(t *testing.T) {
		var m Map[int, int]
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(w), 11))
				model := map[int]int{}
				for i := range scale(20000) {
					k := w<<24 | r.IntN(3000)
					switch r.IntN(6) {
					case 0, 1:
						m.Store(k, i)
						model[k] = i
					case 2:
						m.Delete(k)
						delete(model, k)
					case 3:
						v, ok := m.Load(k)
						mv, mok := model[k]
						if !assert.Equal(t, mok, ok) || !assert.Equal(t, mv, v) {
							return
						}
					case 4:
						_, loaded := m.LoadOrStore(k, i)
						if _, ok := model[k]; !ok {
							model[k] = i
						}
						assert.Equal(t, loaded, model[k] != i || loaded)
					case 5:
						ok := m.CompareAndSwap(k, model[k], i)
						if _, present := model[k]; present {
							assert.True(t, ok)
							model[k] = i
						} else {
							assert.False(t, ok)
						}
					}
				}
			}()
		}
		wg.Wait()
	})
}
