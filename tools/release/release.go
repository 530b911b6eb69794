package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// ErrDirty is wrapped when the work tree has changes or untracked files.
var ErrDirty = errors.New("the work tree is not clean")

// ErrUntidy is wrapped when go mod tidy -diff fails for a module (run, as
// go tool mage tidy runs it, by racecheck's runner.Tidy).
var ErrUntidy = runner.ErrUntidy

// Options configure Run.
type Options struct {
	// Root is the repository root.
	Root string
	// Tag creates the tags once every check passed.
	Tag bool
	// Out receives the progress and the summary.
	Out io.Writer
	// Released are the modules to consider; nil means ReleasedModules(Root).
	Released []Module
	// Workspace are the modules whose go.mod must be tidy; nil means
	// WorkspaceModules(Root).
	Workspace []Module
	// ModuleChecks are extra checks of a module's release, by module
	// directory; nil means DefaultModuleChecks.
	ModuleChecks map[string]func(root, version string) error
}

// DefaultModuleChecks are the checks a module's release needs beyond the
// common ones: racecheck's release pins the CI templates to its version.
var DefaultModuleChecks = map[string]func(root, version string) error{
	"modules/racecheck": CheckTemplatesPinned,
}

// Plan is one module's pending release.
type Plan struct {
	Module   Module
	Version  string
	Previous string // "" for a first release
	Diff     APIDiff
}

// Tag is the tag the plan creates.
func (p Plan) Tag() string { return p.Module.Tag(p.Version) }

// Run checks every release the CHANGELOGs ask for and, with opts.Tag, tags
// them. It returns the plans it checked (tagged or not).
func Run(ctx context.Context, opts Options) ([]Plan, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	released, workspace := opts.Released, opts.Workspace
	if released == nil {
		if released, err = ReleasedModules(root); err != nil {
			return nil, err
		}
	}
	if workspace == nil {
		if workspace, err = WorkspaceModules(root); err != nil {
			return nil, err
		}
	}
	checks := opts.ModuleChecks
	if checks == nil {
		checks = DefaultModuleChecks
	}

	fmt.Fprintln(out, "release: the work tree is clean")
	dirty, err := dirtyFiles(ctx, root)
	if err != nil {
		return nil, err
	}
	if len(dirty) > 0 {
		return nil, fmt.Errorf("release: %w: commit or stash:\n  %s", ErrDirty, strings.Join(dirty, "\n  "))
	}

	ws := runner.Workspace{Dir: root}
	for _, m := range workspace {
		ws.Modules = append(ws.Modules, runner.Module{Path: m.Path, Dir: filepath.Join(root, filepath.FromSlash(m.Dir))})
	}
	if err := runner.Tidy(ctx, "go", ws, false, out); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}

	var plans []Plan
	var errs []error
	for _, m := range released {
		p, err := planModule(ctx, root, m, out)
		if err == nil && p != nil {
			if check := checks[m.Dir]; check != nil {
				err = check(root, p.Version)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("release %s: %w", m.Dir, err))
			continue
		}
		if p != nil {
			plans = append(plans, *p)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return plans, err
	}
	if err := checkSiblingRequirements(ctx, root, released, plans); err != nil {
		return plans, err
	}
	if len(plans) == 0 {
		fmt.Fprintln(out, "release: every module is tagged at its CHANGELOG's version; nothing to release")
		return nil, nil
	}
	if !opts.Tag {
		fmt.Fprintln(out, "release: every check passed; RELEASE_TAG=1 go tool mage release creates the tags")
		return plans, nil
	}
	var tags []string
	for _, p := range plans {
		if _, err := git(ctx, root, "tag", "-a", p.Tag(), "-m", p.Module.Path+" "+p.Version); err != nil {
			return plans, fmt.Errorf("release: %w", err)
		}
		tags = append(tags, p.Tag())
		fmt.Fprintf(out, "release: tagged %s\n", p.Tag())
	}
	fmt.Fprintf(out, "release: nothing was pushed; publish with:\n  git push origin %s\n", strings.Join(tags, " "))
	return plans, nil
}

// ErrUnreleasedRequirement is wrapped when a module to be released requires
// a version of another module of the repository that is neither tagged nor
// released by the same run: downstream, go get could not resolve it.
var ErrUnreleasedRequirement = errors.New("requires a version of a module of this repository that is neither tagged nor being released")

// checkSiblingRequirements checks that every module plans release requires
// the repository's other modules only at versions that exist once the plans
// are tagged.
func checkSiblingRequirements(ctx context.Context, root string, released []Module, plans []Plan) error {
	releasing := map[string]string{} // module path → version released now
	for _, p := range plans {
		releasing[p.Module.Path] = p.Version
	}
	byPath := map[string]Module{}
	for _, m := range released {
		byPath[m.Path] = m
	}
	var errs []error
	for _, p := range plans {
		file := filepath.Join(root, filepath.FromSlash(p.Module.Dir), "go.mod")
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("release: %w", err)
		}
		f, err := modfile.ParseLax(file, data, nil)
		if err != nil {
			return fmt.Errorf("release: %w", err)
		}
		for _, r := range f.Require {
			sib, ok := byPath[r.Mod.Path]
			if !ok || releasing[sib.Path] == r.Mod.Version || tagExists(ctx, root, sib.Tag(r.Mod.Version)) {
				continue
			}
			now := "is not being released"
			if v, ok := releasing[sib.Path]; ok {
				now = "is being released at " + v
			}
			errs = append(errs, fmt.Errorf("release %s: %w: %s %s (no tag %s; %s)",
				p.Module.Dir, ErrUnreleasedRequirement, r.Mod.Path, r.Mod.Version, sib.Tag(r.Mod.Version), now))
		}
	}
	return errors.Join(errs...)
}

// planModule returns the module's pending release, or nil if its
// CHANGELOG's version is tagged already.
func planModule(ctx context.Context, root string, m Module, out io.Writer) (*Plan, error) {
	dir := filepath.Join(root, filepath.FromSlash(m.Dir))
	entries, err := readChangelog(dir, m.Dir+"/CHANGELOG.md")
	if err != nil {
		return nil, err
	}
	next := entries[0]
	if tagExists(ctx, root, m.Tag(next.Version)) {
		fmt.Fprintf(out, "release: %s: %s is tagged; nothing to release\n", m.Dir, next.Version)
		return nil, nil
	}
	prev, err := latestTag(ctx, root, m)
	if err != nil {
		return nil, err
	}
	p := &Plan{Module: m, Version: next.Version, Previous: prev}
	if prev == "" {
		fmt.Fprintf(out, "release: %s: %s, its first release\n", m.Dir, next.Version)
		return p, nil
	}
	tmp, err := os.MkdirTemp("", "release-api-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	oldDir, err := extract(ctx, root, m.Tag(prev), m.Dir, tmp)
	if err != nil {
		return nil, err
	}
	if p.Diff, err = CompareAPI(ctx, oldDir, dir); err != nil {
		return nil, err
	}
	if err := CheckBump(prev, next.Version, p.Diff, next); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "release: %s: %s after %s: %d incompatible, %d compatible API change(s)\n",
		m.Dir, next.Version, prev, len(p.Diff.Incompatible), len(p.Diff.Compatible))
	return p, nil
}
