package s07

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

var ErrExists = errors.New("registry: already registered")

// RegisterIfAbsent inserts inst only if its name is free, atomically.
func (r *Registry) RegisterIfAbsent(inst Instance) (Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if owner, ok := r.services[inst.Name]; ok {
		return owner, ErrExists
	}
	r.services[inst.Name] = inst
	return inst, nil
}

func (r *Registry) ClaimFixed(name, addr string) (Instance, error) {
	owner, err := r.RegisterIfAbsent(Instance{Name: name, Addr: addr, Registered: time.Now()})
	if errors.Is(err, ErrExists) {
		return Instance{}, fmt.Errorf("%q already owned by %s", name, owner.Addr)
	}
	return owner, err
}

func (r *Registry) ClaimHandlerFixed(w http.ResponseWriter, req *http.Request) {
	inst, err := r.ClaimFixed(req.FormValue("name"), req.FormValue("addr"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	fmt.Fprintf(w, "%s owned by %s\n", inst.Name, inst.Addr)
}
