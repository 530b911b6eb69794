// Package argocd587 reconstructs a data race in Argo CD's Kubernetes helper:
// GetResourcesWithLabel lists every API resource kind in its own goroutine,
// and each goroutine appends its items to one shared slice.
//
//   - Project: argoproj/argo-cd (util/kube)
//   - Bug report: https://github.com/argoproj/argo-cd/issues/587
//   - Fix: https://github.com/argoproj/argo-cd/pull/593 (the appends are guarded by a mutex)
//   - Shape: concurrent append to a shared slice.
//   - Manifests as: a race report under -race on most runs; items can also be
//     lost (a wrong result) when two appends interleave.
package argocd587

import "sync"

// Lister lists the resources of one kind that carry a label.
type Lister func(kind string) []string

// GetResourcesWithLabel lists every kind concurrently and returns all items.
func GetResourcesWithLabel(kinds []string, list Lister) []string {
	var resources []string
	var wg sync.WaitGroup
	for _, kind := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items := list(kind)
			resources = append(resources, items...)
		}()
	}
	wg.Wait()
	return resources
}
