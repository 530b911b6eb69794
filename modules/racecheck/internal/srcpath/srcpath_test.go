package srcpath

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

func TestLocateAndText(t *testing.T) {
	root := t.TempDir()
	m := New(root, map[string]string{
		"example.com/ws":     root,
		"example.com/ws/sub": filepath.Join(root, "sub"),
	}, "/usr/local/go", "/go/pkg/mod")
	for _, c := range []struct {
		file, dir string
		want      report.Location
	}{
		{filepath.Join(root, "a.go"), "", report.Location{Module: "example.com/ws", File: "a.go"}},
		{filepath.Join(root, "sub", "p", "b.go"), "", report.Location{Module: "example.com/ws/sub", File: "p/b.go"}},
		{"./p/c.go", filepath.Join(root, "sub"), report.Location{Module: "example.com/ws/sub", File: "p/c.go"}},
		{"/usr/local/go/src/sync/map.go", "", report.Location{Module: Std, File: "sync/map.go"}},
		{"/go/pkg/mod/github.com/!burnt!sushi/toml@v1.2.0/decode.go", "", report.Location{Module: "github.com/BurntSushi/toml@v1.2.0", File: "decode.go"}},
		{"/elsewhere/x.go", "", report.Location{File: "x.go"}},
		{"_testmain.go", "", report.Location{File: "_testmain.go"}},
		{filepath.Join(root, "p", "zz_racecheck_leakmain_test.go"), "", report.Location{File: "zz_racecheck_leakmain_test.go"}},
	} {
		got := m.Locate(c.file, 0, "", c.dir)
		assert.Equal(t, c.want, got, c.file)
	}
	assert.True(t, m.IsModule("example.com/ws/sub"))
	assert.False(t, m.IsModule(Std))
	assert.Equal(t, ".", m.Rel(root))
	assert.Equal(t, "sub", m.Rel(filepath.Join(root, "sub")))
	assert.Equal(t, "", m.Rel("/elsewhere"))

	text := "\t" + filepath.Join(root, "sub", "p", "b.go") + ":3 +0x1\n\t/usr/local/go/src/testing/testing.go:1\n\t/go/pkg/mod/x@v1/y.go:2\n"
	assert.Equal(t, "\tsub/p/b.go:3 +0x1\n\t$GOROOT/src/testing/testing.go:1\n\t$GOMODCACHE/x@v1/y.go:2\n", m.Text(text))
}

func TestRankAndPrimary(t *testing.T) {
	m := New("/r", map[string]string{"example.com/m": "/r"}, "/usr/local/go", "/go/pkg/mod")
	src := report.Location{Module: "example.com/m", File: "lib.go", Line: 3}
	test := report.Location{Module: "example.com/m", File: "lib_test.go", Line: 9}
	dep := report.Location{Module: "golang.org/x/sync@v0.1.0", File: "errgroup/errgroup.go"}
	std := report.Location{Module: Std, File: "runtime/race_amd64.s"}
	assert.Equal(t, RankModuleSource, m.Rank(src))
	assert.Equal(t, RankModuleTest, m.Rank(test))
	assert.Equal(t, RankDependency, m.Rank(dep))
	assert.Equal(t, RankNone, m.Rank(std))
	assert.Equal(t, RankNone, m.Rank(report.Location{File: "x.go"}))

	got, rank := m.Primary([]report.Location{std, test, dep, src})
	assert.Equal(t, src, got, "module source beats a test helper, even further out")
	assert.Equal(t, RankModuleSource, rank)
	_, rank = m.Primary([]report.Location{std})
	assert.Equal(t, RankNone, rank)
}
