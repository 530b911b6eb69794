package cachebench

import (
	"runtime/debug"
	"strings"
)

// peerModules are the module paths of the peer caches, in Impls order.
var peerModules = []string{
	"github.com/maypok86/otter/v2",
	"github.com/dgraph-io/ristretto/v2",
	"github.com/Yiling-J/theine-go",
	"github.com/hashicorp/golang-lru/v2",
}

// PeerVersions returns "module@version" for each peer cache linked into the
// running binary, from its build information (empty if unavailable).
func PeerVersions() []string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	var out []string
	for _, path := range peerModules {
		for _, dep := range info.Deps {
			if dep.Path == path {
				out = append(out, path+"@"+dep.Version)
			}
		}
	}
	return out
}

// PeerVersionLine is PeerVersions joined for a report line.
func PeerVersionLine() string { return strings.Join(PeerVersions(), ", ") }
