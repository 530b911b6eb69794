// Package argocd587 reconstructs a data race in Argo CD's Kubernetes helper:
// GetResourcesWithLabel lists every API resource kind in its own goroutine,
// and each goroutine appends its items to one shared slice.
//
//   - Project: argoproj/argo-cd (util/kube)
//   - Bug report: https://github.com/argoproj/argo-cd/issues/587
//   - Fix: https://github.com/argoproj/argo-cd/pull/593 (the appends are guarded by a mutex)
//   - Shape: concurrent append to a shared slice.
//   - Fixed twin: the append is guarded by a mutex (the upstream fix).
package argocd587

import "sync"

// Lister lists the resources of one kind that carry a label.
type Lister func(kind string) []string

// GetResourcesWithLabel lists every kind concurrently and returns all items.
func GetResourcesWithLabel(kinds []string, list Lister) []string {
	var (
		mu        sync.Mutex
		resources []string
		wg        sync.WaitGroup
	)
	for _, kind := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items := list(kind)
			mu.Lock()
			resources = append(resources, items...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return resources
}
