package checkthenact

import "sync"

// A map filled by a function that runs only through a sync.Once's Do, and
// used elsewhere only after a Do on the same Once: the fill runs alone
// (trpc-group/trpc-go 9b5c63e5, transport/server_transport.go:407,
// inheritListeners and getPassedListener). Nothing is reported in it.
var (
	inheritOnce sync.Once
	inherited   sync.Map
)

func fillInherited() {
	for _, key := range []string{"tcp:a", "tcp:a", "udp:b"} {
		v, loaded := inherited.LoadOrStore(key, []int{1})
		if loaded {
			inherited.Store(key, append(v.([]int), 1))
		}
	}
}

func passedListener(key string) (int, bool) {
	inheritOnce.Do(fillInherited)
	v, ok := inherited.Load(key)
	if !ok {
		return 0, false
	}
	return v.([]int)[0], true
}

// The same with a literal handed to Do.
var (
	routesOnce sync.Once
	routes     sync.Map
)

func route(key string) any {
	routesOnce.Do(func() {
		for _, k := range []string{"a", "a"} {
			v, loaded := routes.LoadOrStore(k, 1)
			if loaded {
				routes.Store(k, v.(int)+1)
			}
		}
	})
	v, _ := routes.Load(key)
	return v
}

// Near-misses: a function of the package that uses the map without the
// Once first, a fill also called directly, and one also handed to another
// function.
var (
	tablesOnce sync.Once
	tables     sync.Map
)

func fillTables() {
	for _, k := range []string{"a", "a"} {
		v, loaded := tables.LoadOrStore(k, 1)
		if loaded {
			tables.Store(k, v.(int)+1) // want `tables.Store\(k\) after tables.LoadOrStore\(k\) on line 61 stores a value computed from the loaded one`
		}
	}
}

func table(k string) any {
	tablesOnce.Do(fillTables)
	v, _ := tables.Load(k)
	return v
}

func dropTable(k string) {
	tables.Delete(k)
}

var (
	portsOnce sync.Once
	ports     sync.Map
)

func fillPorts() {
	for _, k := range []string{"a", "a"} {
		v, loaded := ports.LoadOrStore(k, 1)
		if loaded {
			ports.Store(k, v.(int)+1) // want `ports.Store\(k\) after ports.LoadOrStore\(k\) on line 85 stores a value computed from the loaded one`
		}
	}
}

func port(k string) any {
	portsOnce.Do(fillPorts)
	v, _ := ports.Load(k)
	return v
}

func Refill() {
	fillPorts()
}

var (
	zonesOnce sync.Once
	zones     sync.Map
)

func fillZones() {
	for _, k := range []string{"a", "a"} {
		v, loaded := zones.LoadOrStore(k, 1)
		if loaded {
			zones.Store(k, v.(int)+1) // want `zones.Store\(k\) after zones.LoadOrStore\(k\) on line 109 stores a value computed from the loaded one`
		}
	}
}

func zone(k string) any {
	zonesOnce.Do(fillZones)
	v, _ := zones.Load(k)
	return v
}

func onSignal(f func()) { go f() }

func WatchZones() {
	onSignal(fillZones)
}

// A literal in a package-level variable's initialiser has no enclosing
// function (gorm's callbacks crashed the first version of this rule).
var (
	hooks     sync.Map
	onHookSet = func(name string) {
		if _, ok := hooks.Load(name); !ok {
			hooks.Store(name, &struct{ n int }{}) // want `hooks.Store\(name\) after hooks.Load\(name\) on line 133 runs only when the check found no entry`
			println("hook", name)
		}
	}
)
