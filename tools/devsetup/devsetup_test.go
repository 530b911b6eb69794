package devsetup

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeSystem is a machine with the commands in have, the given node version
// and apt candidates; it records the commands Apply runs.
type fakeSystem struct {
	have       map[string]bool
	node       string
	candidates map[string]string
	root       bool
	fail       map[string]int // command line -> failures left
	ran        []string
}

func newFake(missing ...string) *fakeSystem {
	f := &fakeSystem{
		have:       map[string]bool{},
		node:       "v20.20.2",
		candidates: map[string]string{"nodejs": "20.19.2+dfsg-1", "npm": "9.2.0~ds1-1"},
		root:       true,
		fail:       map[string]int{},
	}
	for _, c := range []string{"git", "bash", "rsync", "jq", "node", "npm", "apt-get", "apt-cache"} {
		f.have[c] = true
	}
	for _, m := range missing {
		delete(f.have, m)
	}
	return f
}

func (f *fakeSystem) LookPath(name string) error {
	if f.have[name] {
		return nil
	}
	return errors.New("not found")
}

func (f *fakeSystem) Output(name string, args ...string) (string, error) {
	switch {
	case name == "node":
		return f.node + "\n", nil
	case name == "apt-cache" && len(args) == 2:
		c, ok := f.candidates[args[1]]
		if !ok {
			c = "(none)"
		}
		return fmt.Sprintf("%s:\n  Installed: (none)\n  Candidate: %s\n", args[1], c), nil
	}
	return "", fmt.Errorf("unexpected command %s %v", name, args)
}

func (f *fakeSystem) Run(env []string, name string, args ...string) error {
	line := strings.Join(append([]string{name}, args...), " ")
	f.ran = append(f.ran, line)
	if f.fail[line] > 0 {
		f.fail[line]--
		return errors.New("exit status 100")
	}
	return nil
}

func (f *fakeSystem) IsRoot() bool { return f.root }

func TestNothingMissingOnlyRunsNpmCI(t *testing.T) {
	f := newFake()
	p, err := MakePlan(f, "tools")
	require.NoError(t, err)
	assert.Empty(t, p.Installs)
	var log bytes.Buffer
	require.NoError(t, Apply(f, p, &log))
	assert.Equal(t, []string{"npm ci --prefix tools --no-audit --no-fund --prefer-offline"}, f.ran)
	assert.Contains(t, log.String(), "gitlab-ci-local at the version pinned by its package-lock.json")
}

func TestRootInstallsMissingToolsSayingWhy(t *testing.T) {
	f := newFake("rsync", "jq", "node", "npm")
	p, err := MakePlan(f, "tools")
	require.NoError(t, err)
	require.Len(t, p.Installs, 2)
	assert.Equal(t, []string{"rsync", "jq"}, p.Installs[0].Packages)
	assert.Equal(t, []string{"nodejs", "npm"}, p.Installs[1].Packages)

	f.fail["apt-get install -y --no-install-recommends rsync jq"] = 1 // stale package lists
	var log bytes.Buffer
	require.NoError(t, Apply(f, p, &log))
	assert.Equal(t, []string{
		"apt-get install -y --no-install-recommends rsync jq",
		"apt-get update",
		"apt-get install -y --no-install-recommends rsync jq",
		"apt-get install -y --no-install-recommends nodejs npm",
		"npm ci --prefix tools --no-audit --no-fund --prefer-offline",
	}, f.ran)
	out := log.String()
	assert.Contains(t, out, "setup: installing rsync jq with apt-get: rsync: gitlab-ci-local copies the project")
	assert.Contains(t, out, "setup: installing nodejs npm with apt-get: gitlab-ci-local")
	assert.Less(t, strings.Index(out, "installing rsync jq"), strings.Index(out, "npm ci"), "said before done")
}

func TestOldNodeIsReplacedFromAPTWhenTheCandidateIsNewEnough(t *testing.T) {
	f := newFake()
	f.node = "v18.20.4"
	p, err := MakePlan(f, "tools")
	require.NoError(t, err)
	require.Len(t, p.Installs, 1)
	assert.Equal(t, []string{"nodejs"}, p.Installs[0].Packages, "npm is there")
}

func TestFailsBeforeInstallingAnythingWithTheExactCommands(t *testing.T) {
	cases := map[string]struct {
		sys  func() *fakeSystem
		want []string
	}{
		"not root": {func() *fakeSystem {
			f := newFake("rsync", "jq")
			f.root = false
			return f
		}, []string{"sudo apt-get install -y rsync jq"}},
		"no apt-get": {func() *fakeSystem { return newFake("jq", "apt-get") }, []string{"sudo apt-get install -y jq"}},
		"no node and the distribution's nodejs is too old": {func() *fakeSystem {
			f := newFake("node", "npm")
			f.candidates["nodejs"] = "18.20.4+dfsg-1~deb12u2"
			return f
		}, []string{"offers nodejs 18.20.4+dfsg-1~deb12u2", "sudo apt-get install -y nodejs npm", "NodeSource's nodejs 20.x package"}},
		"no node and no package for it": {func() *fakeSystem {
			f := newFake("node", "apt-cache")
			return f
		}, []string{"offers no nodejs package"}},
		"node but no npm anywhere": {func() *fakeSystem {
			f := newFake("npm")
			delete(f.candidates, "npm")
			return f
		}, []string{"npm (gitlab-ci-local is installed with it)"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := tc.sys()
			_, err := MakePlan(f, "tools")
			require.ErrorIs(t, err, ErrMissing)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, f.ran, "nothing is installed when anything cannot be")
		})
	}
}

func TestMajorOf(t *testing.T) {
	for in, want := range map[string]int{"v20.1.0": 20, "20.19.2+dfsg-1": 20, "1:18.2.0": 18, "22": 22} {
		got, ok := majorOf(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "(none)", "vx"} {
		_, ok := majorOf(bad)
		assert.False(t, ok, bad)
	}
}
