package release

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArchitectureListsEveryPackage keeps docs/ARCHITECTURE.md true: the
// first column of its "## Packages" tables names every package of every
// module (paths relative to the repository root, modules/ dropped), and
// nothing else.
func TestArchitectureListsEveryPackage(t *testing.T) {
	root := repoRoot(t)
	ws, err := WorkspaceModules(root)
	require.NoError(t, err)
	have := map[string]bool{}
	// In the workspace whatever the caller's GOWORK (the standalone step
	// sets GOWORK=off): shardcache/prom resolves shardcache through it.
	inWorkspace := []string{"GOWORK=" + filepath.Join(root, "go.work")}
	for _, m := range ws {
		out, err := command(t.Context(), filepath.Join(root, filepath.FromSlash(m.Dir)), inWorkspace, "go", "list", "-f", "{{.ImportPath}}", "./...")
		require.NoError(t, err)
		for _, p := range strings.Fields(out) {
			rel := strings.TrimPrefix(strings.TrimPrefix(p, "github.com/raceproof/raceproof/"), "modules/")
			have[rel] = true
		}
	}
	require.Contains(t, have, "safemap")

	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	require.NoError(t, err)
	section := string(doc)
	start := strings.Index(section, "\n## Packages\n")
	require.GreaterOrEqual(t, start, 0, "ARCHITECTURE.md has a ## Packages section")
	section = section[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	listed := map[string]bool{}
	token := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "package" {
			continue
		}
		for _, m := range token.FindAllStringSubmatch(cells[1], -1) {
			listed[m[1]] = true
			assert.True(t, have[m[1]], "ARCHITECTURE.md lists %s, which is not a package", m[1])
		}
	}
	for p := range have {
		assert.True(t, listed[p], "ARCHITECTURE.md does not list the package %s", p)
	}
}
