package checkthenact

import (
	"errors"
	"sync"
	"time"
)

// dapr/dapr pkg/actors/actors.go at d54947376f36 (fixed in 24cd1b1c8c59,
// "fix activation check", dapr/dapr#707): the actor is claimed with
// LoadOrStore, its loaded answer dropped, and whether to activate it is
// then asked of a Load through a helper, which always finds the actor just
// stored; no actor was ever activated.
type daprActor struct {
	lock         *sync.RWMutex
	busy         bool
	lastUsedTime time.Time
}

type actorsRuntime struct {
	actorsTable sync.Map
}

func (a *actorsRuntime) actorInstanceExists(key string) bool {
	_, exists := a.actorsTable.Load(key)
	return exists
}

func (a *actorsRuntime) tryActivateActor(key string) error {
	if key == "" {
		return errors.New("no key")
	}
	return nil
}

func (a *actorsRuntime) callLocalActor(key string) error {
	val, _ := a.actorsTable.LoadOrStore(key, &daprActor{lock: &sync.RWMutex{}, busy: true, lastUsedTime: time.Now()})
	act := val.(*daprActor)
	act.lock.Lock()
	defer act.lock.Unlock()

	exists := a.actorInstanceExists(key) // want `a.actorInstanceExists\(key\), which calls a.actorsTable.Load\(key\), after a.actorsTable.LoadOrStore\(key\) on line 37, whose loaded result is dropped, finds the entry LoadOrStore left whatever was there before: it cannot tell whether this call inserted; use the loaded result LoadOrStore returns`
	if !exists {
		if err := a.tryActivateActor(key); err != nil {
			a.actorsTable.Delete(key)
			return err
		}
	} else {
		act.busy = true
		act.lastUsedTime = time.Now()
	}
	return nil
}

// The fix: LoadOrStore's loaded result says whether the actor was there.
func (a *actorsRuntime) callLocalActorFixed(key string) error {
	val, exists := a.actorsTable.LoadOrStore(key, &daprActor{lock: &sync.RWMutex{}, busy: true, lastUsedTime: time.Now()})
	act := val.(*daprActor)
	act.lock.Lock()
	defer act.lock.Unlock()
	if !exists {
		return a.tryActivateActor(key)
	}
	act.busy = true
	return nil
}

// Near-miss: the function itself may delete the key between the claim and
// the check, so the check can find it gone.
func (a *actorsRuntime) claimThenMaybeDrop(key string, drop bool) bool {
	a.actorsTable.LoadOrStore(key, &daprActor{lock: &sync.RWMutex{}})
	if drop {
		a.actorsTable.Delete(key)
	}
	_, still := a.actorsTable.Load(key)
	return still
}
