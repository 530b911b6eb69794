package checkthenact

import (
	"context"
	"errors"

	"partitions"
)

// A get-or-create through two helpers on a map a getter of another
// package hands out, keyed by the receiver's name: the shape of
// olric-data/olric#99 (internal/dmap/balance.go:50 at ad678ec, fixed in
// d4396fb with LoadOrStore). Two merges of one dmap's fragment into a
// partition both miss, both create a fragment and store it; the one
// overwritten, with the entries merged into it, is lost, and its context
// is never cancelled.
type fragment struct {
	ctx    context.Context
	cancel context.CancelFunc
}

type dmap struct{ name string }

var errFragmentNotFound = errors.New("fragment not found")

func (dm *dmap) loadFragment(part *partitions.Partition) (*fragment, error) {
	f, ok := part.Map().Load(dm.name)
	if !ok {
		return nil, errFragmentNotFound
	}
	return f.(*fragment), nil
}

func (dm *dmap) createFragment(part *partitions.Partition) (*fragment, error) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fragment{ctx: ctx, cancel: cancel}
	part.Map().Store(dm.name, f)
	return f, nil
}

func (dm *dmap) mergeFragments(part *partitions.Partition) error {
	f, err := dm.loadFragment(part)
	if errors.Is(err, errFragmentNotFound) {
		f, err = dm.createFragment(part) // want `dm.createFragment\(part\), which calls part.Map\(\).Store\(dm.name\) through createFragment \(getters.go:37\), after dm.loadFragment\(part\), which calls part.Map\(\).Load\(dm.name\), on line 42 runs only when the check found no entry, but is not atomic with it: another goroutine can store dm.name in between, and this Store replaces that value while the other goroutine goes on using it; use LoadOrStore and the value it returns in createFragment`
	}
	if err != nil {
		return err
	}
	_ = f
	return nil
}

// In place, through the getter.
func (dm *dmap) fragmentOf(part *partitions.Partition) *fragment {
	if f, ok := part.Map().Load(dm.name); ok {
		return f.(*fragment)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &fragment{ctx: ctx, cancel: cancel}
	part.Map().Store(dm.name, f) // want `part.Map\(\).Store\(dm.name\) after part.Map\(\).Load\(dm.name\) on line 55 runs only when the check found no entry`
	return f
}

// The fix: one LoadOrStore.
func (dm *dmap) loadOrCreateFragment(part *partitions.Partition) *fragment {
	ctx, cancel := context.WithCancel(context.Background())
	f, loaded := part.Map().LoadOrStore(dm.name, &fragment{ctx: ctx, cancel: cancel})
	if loaded {
		cancel()
	}
	return f.(*fragment)
}

// A getter whose name says it makes a new map each call reaches another
// map each time: nothing to report.
func (dm *dmap) fresh(part *partitions.Partition) {
	if _, ok := part.NewMap().Load(dm.name); !ok {
		part.NewMap().Store(dm.name, &fragment{})
	}
}

// Another receiver's name is another key.
func (dm *dmap) mergeInto(other *dmap, part *partitions.Partition) error {
	_, err := other.loadFragment(part)
	if errors.Is(err, errFragmentNotFound) {
		_, err = dm.createFragment(part)
	}
	return err
}

// errors.Is on another error than the one the helper answers for a miss
// says nothing of the key; a failure that is not a miss returns first.
func (dm *dmap) mergeChecked(part *partitions.Partition, errOther error) error {
	_, err := dm.loadFragment(part)
	if errors.Is(err, errOther) {
		return err
	}
	return nil
}
