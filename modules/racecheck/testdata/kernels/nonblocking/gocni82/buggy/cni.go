// Package gocni82 reconstructs a data race in containerd's go-cni: the CNI
// configuration created its plugin executor lazily on first use, and
// containerd 1.6 sets up the loopback and the pod network in parallel, so
// two goroutines checked and assigned the field at the same time.
//
//   - Project: containerd/go-cni (over containernetworking/cni libcni)
//   - Bug report and fix: https://github.com/containerd/go-cni/pull/82
//     (the executor is created with the configuration instead of lazily)
//   - Shape: check-then-act lazy initialisation of a shared field without
//     synchronisation (an atomicity violation).
//   - Manifests as: a race report under -race on most runs; the two networks
//     can also end up using different executors.
package gocni82

import "fmt"

// executor runs CNI plugin binaries.
type executor struct{ pluginDirs []string }

func (e *executor) exec(plugin, netns string) string {
	return fmt.Sprintf("%s@%s", plugin, netns)
}

// Config is a CNI configuration shared by every network of a pod.
type Config struct {
	exec *executor
}

func (c *Config) ensureExec() *executor {
	if c.exec == nil {
		c.exec = &executor{pluginDirs: []string{"/opt/cni/bin"}}
	}
	return c.exec
}

// AddNetwork attaches one network to netns.
func (c *Config) AddNetwork(plugin, netns string) string {
	return c.ensureExec().exec(plugin, netns)
}
