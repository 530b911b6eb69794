// Package s07 is a small service registry used to elect singleton workers.
//
// BUG (error-sentinel check, then act): Claim calls Lookup, treats
// ErrNotFound as "the name is free" and then calls Register, which
// unconditionally overwrites. Replicas call POST /claim concurrently at
// startup, and each request is served on its own goroutine; two replicas can
// both get ErrNotFound, both Register, and both be told they own the
// singleton role (e.g. "billing-cron"). The first registration is silently
// overwritten, so both replicas run the cron and every invoice is sent twice.
package s07

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

var ErrNotFound = errors.New("registry: not found")

type Instance struct {
	Name       string
	Addr       string
	Registered time.Time
}

// Registry maps singleton role names to their owning instance. Safe for
// concurrent use.
type Registry struct {
	mu       sync.Mutex
	services map[string]Instance
}

func NewRegistry() *Registry { return &Registry{services: map[string]Instance{}} }

func (r *Registry) Lookup(name string) (Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	inst, ok := r.services[name]
	if !ok {
		return Instance{}, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return inst, nil
}

func (r *Registry) Register(inst Instance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[inst.Name] = inst
}

// Claim makes addr the owner of name if nobody owns it yet.
func (r *Registry) Claim(name, addr string) (Instance, error) {
	owner, err := r.Lookup(name)
	if err == nil {
		return Instance{}, fmt.Errorf("%q already owned by %s", name, owner.Addr)
	}
	if !errors.Is(err, ErrNotFound) {
		return Instance{}, err
	}
	inst := Instance{Name: name, Addr: addr, Registered: time.Now()}
	r.Register(inst)
	return inst, nil
}

// ClaimHandler serves POST /claim?name=...&addr=...
func (r *Registry) ClaimHandler(w http.ResponseWriter, req *http.Request) {
	inst, err := r.Claim(req.FormValue("name"), req.FormValue("addr"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	fmt.Fprintf(w, "%s owned by %s\n", inst.Name, inst.Addr)
}
