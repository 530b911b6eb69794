// Package devsetup installs what `go tool mage test` needs besides Go, or
// says exactly how to install it: git and bash (the e2e tests and the
// templates' scripts), rsync (gitlab-ci-local copies the project with it), jq
// (the templates' scripts), Node.js 20 or newer with npm (gitlab-ci-local runs
// on it), and gitlab-ci-local itself, pinned by tools/package-lock.json.
//
// Plan checks everything first and installs nothing: a missing tool it cannot
// install (not root, no apt-get, or a distribution whose nodejs is too old)
// fails the whole plan with the exact command to run, before any other step of
// `go tool mage test` has started. Apply then says what it installs and why
// before each install.
package devsetup

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MinNodeMajor is the oldest Node.js major that gitlab-ci-local 4.65.0 is
// tested with here (tools/package.json's engines field says the same).
const MinNodeMajor = 20

// ErrMissing is wrapped by Plan's error when a tool is missing and cannot be
// installed by this program.
var ErrMissing = errors.New("devsetup: missing tools")

// System is what Plan and Apply need from the machine; OS is the real one.
type System interface {
	// LookPath reports whether a command is on PATH.
	LookPath(name string) error
	// Output runs a command and returns its standard output.
	Output(name string, args ...string) (string, error)
	// Run runs a command with the extra environment variables env, streaming its output.
	Run(env []string, name string, args ...string) error
	// IsRoot reports whether the process may install system packages.
	IsRoot() bool
}

// Install is one apt-get install of packages, with the reason shown before it runs.
type Install struct {
	Packages []string
	Why      string
}

// Plan is what Apply does: apt-get installs, then npm ci in NpmDir.
type Plan struct {
	Installs []Install
	NpmDir   string
}

// tool is a command the tests need, the Debian package that provides it and why.
type tool struct {
	command, pkg, why string
}

var aptTools = []tool{
	{"git", "git", "the end-to-end tests make Git repositories"},
	{"bash", "bash", "the CI templates' scripts are bash"},
	{"rsync", "rsync", "gitlab-ci-local copies the project into its build directory with rsync"},
	{"jq", "jq", "the CI templates' scripts read racecheck's JSON with jq"},
}

// MakePlan checks the machine and returns what Apply must install for the
// tests whose npm packages live in npmDir, or an error wrapping ErrMissing
// that gives the exact commands to run when something cannot be installed
// here.
func MakePlan(sys System, npmDir string) (Plan, error) {
	var pkgs, why []string
	for _, t := range aptTools {
		if sys.LookPath(t.command) != nil {
			pkgs = append(pkgs, t.pkg)
			why = append(why, t.command+": "+t.why)
		}
	}
	nodePkgs, nodeProblem := planNode(sys)
	canApt := sys.IsRoot() && sys.LookPath("apt-get") == nil

	var manual []string
	if len(pkgs) > 0 && !canApt {
		manual = append(manual, "sudo apt-get install -y "+strings.Join(pkgs, " ")+"   # "+strings.Join(why, "; "))
	}
	switch {
	case nodeProblem != "":
		manual = append(manual, nodeProblem)
	case len(nodePkgs) > 0 && !canApt:
		manual = append(manual, "sudo apt-get install -y "+strings.Join(nodePkgs, " ")+
			fmt.Sprintf("   # gitlab-ci-local needs Node.js %d or newer and npm", MinNodeMajor))
	}
	if len(manual) > 0 {
		return Plan{}, fmt.Errorf("%w: install them and run again:\n  %s", ErrMissing, strings.Join(manual, "\n  "))
	}
	p := Plan{NpmDir: npmDir}
	if len(pkgs) > 0 {
		p.Installs = append(p.Installs, Install{Packages: pkgs, Why: strings.Join(why, "; ")})
	}
	if len(nodePkgs) > 0 {
		p.Installs = append(p.Installs, Install{Packages: nodePkgs,
			Why: fmt.Sprintf("gitlab-ci-local, which runs the GitLab template end to end, needs Node.js %d or newer and npm", MinNodeMajor)})
	}
	return p, nil
}

// planNode returns the packages that give a usable Node.js and npm, or, when
// the distribution's nodejs is too old or unknown, the message to show.
func planNode(sys System) (pkgs []string, problem string) {
	nodeOK := false
	if sys.LookPath("node") == nil {
		out, err := sys.Output("node", "--version")
		if major, ok := majorOf(strings.TrimSpace(out)); err == nil && ok && major >= MinNodeMajor {
			nodeOK = true
		}
	}
	npmOK := sys.LookPath("npm") == nil
	if nodeOK && npmOK {
		return nil, ""
	}
	if !nodeOK {
		cand := aptCandidate(sys, "nodejs")
		if major, ok := majorOf(cand); !ok || major < MinNodeMajor {
			have := "no nodejs package"
			if cand != "" {
				have = "nodejs " + cand
			}
			return nil, fmt.Sprintf("Node.js %d or newer with npm (gitlab-ci-local runs on it); this system's package manager offers %s. "+
				"On Debian 13 or Ubuntu 24.04 and newer: sudo apt-get install -y nodejs npm; on older releases install NodeSource's nodejs %d.x package (it includes npm)",
				MinNodeMajor, have, MinNodeMajor)
		}
		pkgs = append(pkgs, "nodejs")
	}
	if !npmOK {
		if aptCandidate(sys, "npm") == "" && nodeOK {
			return nil, "npm (gitlab-ci-local is installed with it); this system's package manager offers no npm package: install the npm that belongs to your Node.js"
		}
		pkgs = append(pkgs, "npm")
	}
	return pkgs, ""
}

// aptCandidate is the version apt-get would install, or "" if none.
func aptCandidate(sys System, pkg string) string {
	if sys.LookPath("apt-cache") != nil {
		return ""
	}
	out, err := sys.Output("apt-cache", "policy", pkg)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Candidate:"); ok {
			if v = strings.TrimSpace(v); v != "(none)" {
				return v
			}
		}
	}
	return ""
}

// majorOf reads the major version of "v20.1.0", "20.19.2+dfsg-1" or "1:18.2".
func majorOf(v string) (int, bool) {
	if _, rest, ok := strings.Cut(v, ":"); ok {
		v = rest
	}
	v = strings.TrimPrefix(v, "v")
	end := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if end == 0 {
		return 0, false
	}
	if end > 0 {
		v = v[:end]
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// Apply runs the plan, saying what it installs and why before each step.
func Apply(sys System, p Plan, log io.Writer) error {
	env := []string{"DEBIAN_FRONTEND=noninteractive"}
	for i, in := range p.Installs {
		fmt.Fprintf(log, "setup: installing %s with apt-get: %s\n", strings.Join(in.Packages, " "), in.Why)
		args := append([]string{"install", "-y", "--no-install-recommends"}, in.Packages...)
		if err := sys.Run(env, "apt-get", args...); err != nil {
			if i > 0 {
				return fmt.Errorf("devsetup: apt-get install %s: %w", strings.Join(in.Packages, " "), err)
			}
			// The package lists may be missing or stale on a fresh machine.
			fmt.Fprintln(log, "setup: apt-get install failed; updating the package lists and trying again")
			if err := sys.Run(env, "apt-get", "update"); err != nil {
				return fmt.Errorf("devsetup: apt-get update: %w", err)
			}
			if err := sys.Run(env, "apt-get", args...); err != nil {
				return fmt.Errorf("devsetup: apt-get install %s: %w", strings.Join(in.Packages, " "), err)
			}
		}
	}
	fmt.Fprintf(log, "setup: npm ci in %s: gitlab-ci-local at the version pinned by its package-lock.json\n", p.NpmDir)
	if err := sys.Run(nil, "npm", "ci", "--prefix", p.NpmDir, "--no-audit", "--no-fund", "--prefer-offline"); err != nil {
		return fmt.Errorf("devsetup: npm ci in %s: %w", p.NpmDir, err)
	}
	return nil
}
