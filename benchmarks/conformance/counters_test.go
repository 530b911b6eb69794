package conformance

import (
	"sync/atomic"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/raceproof/raceproof/modules/lockfree"
	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

type counterDo = func(lincheck.CounterInput) int64

type counterFamily struct {
	name   string
	deltas []int64
	key    []lincheck.CounterOpKind
}

var counterFamilies = []counterFamily{
	{"Inc, Load", []int64{1}, []lincheck.CounterOpKind{lincheck.CounterAdd, lincheck.CounterLoad}},
	{"Add(±), Load", []int64{1, -1, 2}, []lincheck.CounterOpKind{lincheck.CounterAdd, lincheck.CounterLoad}},
	{"Swap (sum and reset), Inc, Load", []int64{1}, []lincheck.CounterOpKind{lincheck.CounterSwap, lincheck.CounterAdd, lincheck.CounterLoad}},
	{"Reset, Inc, Load", []int64{1}, []lincheck.CounterOpKind{lincheck.CounterReset, lincheck.CounterAdd, lincheck.CounterLoad}},
}

type counterImpl struct {
	name    string
	st      strictness
	missing map[lincheck.CounterOpKind]string
	// documented maps a family to the implementation's documentation that
	// says it is not linearizable.
	documented map[string]string
	new        func() counterDo
}

// lockfreeLoadDoc is what lockfree.Counter's documentation says of Load.
const lockfreeLoadDoc = "lockfree.Counter.Load (and Swap) \"is not an atomic snapshot\" while writers run"

var counterImpls = []counterImpl{
	{name: "lockfree.Counter", st: ours,
		documented: map[string]string{
			"Add(±), Load":                    lockfreeLoadDoc,
			"Swap (sum and reset), Inc, Load": lockfreeLoadDoc,
			"Reset, Inc, Load":                "lockfree.Counter.Reset: \"Adds that overlap Reset may be kept or discarded\"",
		},
		new: func() counterDo {
			c := new(lockfree.Counter)
			return func(in lincheck.CounterInput) int64 {
				switch in.Op {
				case lincheck.CounterAdd:
					c.Add(in.Delta)
				case lincheck.CounterLoad:
					return c.Load()
				case lincheck.CounterSwap:
					return c.Swap()
				case lincheck.CounterReset:
					c.Reset()
				}
				return 0
			}
		}},
	{name: "xsync.Counter", st: peer,
		missing: map[lincheck.CounterOpKind]string{lincheck.CounterSwap: "no Swap"},
		new: func() counterDo {
			c := xsync.NewCounter()
			return func(in lincheck.CounterInput) int64 {
				switch in.Op {
				case lincheck.CounterAdd:
					c.Add(in.Delta)
				case lincheck.CounterLoad:
					return c.Value()
				case lincheck.CounterReset:
					c.Reset()
				}
				return 0
			}
		}},
	{name: "atomic.Int64", st: peer, new: func() counterDo {
		var c atomic.Int64
		return func(in lincheck.CounterInput) int64 {
			switch in.Op {
			case lincheck.CounterAdd:
				c.Add(in.Delta)
			case lincheck.CounterLoad:
				return c.Load()
			case lincheck.CounterSwap:
				return c.Swap(0)
			case lincheck.CounterReset:
				c.Store(0)
			}
			return 0
		}
	}},
}

// counterOpNames names operations as histories do.
func counterOpNames(ops []lincheck.CounterOpKind) []string {
	names := map[lincheck.CounterOpKind]string{lincheck.CounterAdd: "Add", lincheck.CounterLoad: "Load",
		lincheck.CounterSwap: "Swap", lincheck.CounterReset: "Reset"}
	var s []string
	for _, op := range ops {
		s = append(s, names[op])
	}
	return s
}

func counterFamilyNames() []string {
	var s []string
	for _, f := range counterFamilies {
		s = append(s, f.name)
	}
	return s
}

func counterImplNames() []string {
	var s []string
	for _, c := range counterImpls {
		s = append(s, c.name)
	}
	return s
}

func TestConformanceCounters(t *testing.T) {
	for _, fam := range counterFamilies {
		t.Run(fam.name, func(t *testing.T) {
			for _, impl := range counterImpls {
				t.Run("impl="+impl.name, func(t *testing.T) {
					for _, op := range fam.key {
						if why, ok := impl.missing[op]; ok {
							notApplicable(t, "Counters", fam.name, impl.name, why)
							return
						}
					}
					st := impl.st
					st.documented = impl.documented[fam.name]
					runCell(t, "TestConformanceCounters", "Counters", fam.name, impl.name, counterOpNames(fam.key), st, lincheck.Spec[counterDo, int64, lincheck.CounterInput, int64]{
						Model: lincheck.CounterModel(),
						New:   impl.new,
						Do:    func(do counterDo, in lincheck.CounterInput) int64 { return do(in) },
						Gen:   lincheck.RandomCounterOps(fam.deltas, fam.key...),
					})
				})
			}
		})
	}
}
