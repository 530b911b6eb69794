package sharedpointer

import (
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/lockfree"
)

type Config struct {
	Limit int
	Name  string
}

var (
	current atomic.Pointer[Config]
	holder  atomic.Value
	typed   lockfree.Value[Config]

	shared   Config // written by reload
	constant Config // never written after init
	Public   Config // exported: any package can write it
	table    [4]Config
)

// Positive cases.

func reload(limit int) {
	shared.Limit = limit
	current.Store(&shared) // want `current.Store\(&shared\) publishes a pointer to package-level variable shared, which is written at .*sharedpointer.go:28:2`
}

func publishPublic() {
	holder.Store(&Public) // want `exported package-level variable Public`
}

func publishField() {
	table[1].Limit = 3
	typed.Store(&table[1]) // want `typed.Store\(&table\[1\]\) publishes a pointer to package-level variable table`
}

func reuseLocalReported() {
	var c Config
	current.Store(&c) // want `publishes a pointer to c, which is written again at line 44`
	c.Limit = 2
}

func reuseInLoop(limits []int) {
	var c Config
	for _, l := range limits {
		c.Limit = l
		typed.Store(&c) // want `publishes a pointer to c, which is written again at line 50`
	}
}

func swapThenMutate(p *atomic.Pointer[Config]) {
	c := Config{}
	p.Swap(&c) // want `Swap\(&c\) publishes a pointer to c`
	go func() {
		c.Name = "later"
	}()
}

func param(c Config) {
	holder.Store(&c) // want `publishes a pointer to c, which is written again`
	c.Limit++
}

// Negative cases.

func init() {
	constant.Limit = 10
}

func publishConstant() {
	current.Store(&constant)
}

func freshEachTime(limits []int) {
	for _, l := range limits {
		c := Config{Limit: l}
		current.Store(&c)
	}
}

func rangeVarPerIteration(cs []Config) {
	for _, c := range cs {
		typed.Store(&c)
	}
}

func compositeLiteral(l int) {
	current.Store(&Config{Limit: l})
}

func writtenBeforeOnly() {
	var c Config
	c.Limit = 7
	c.Name = "x"
	current.Store(&c)
}

func otherBranchReturns(fast bool) {
	var c Config
	if fast {
		current.Store(&c)
		return
	}
	c.Limit = 9
	current.Store(&Config{Limit: c.Limit})
}

func pointerField(p *Config) {
	holder.Store(&p.Limit)
	p.Limit = 3
}

func notAnAtomic(dst *[]*Config) {
	var c Config
	*dst = append(*dst, &c)
	c.Limit = 1
}

func compareAndSwapIsNotStore() {
	var c Config
	current.CompareAndSwap(nil, &c)
	c.Limit = 1
}
