package citemplates

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Rule names reported by Lint.
const (
	RuleExpressionInRun    = "expression-in-run"
	RuleUnpinnedUses       = "unpinned-uses"
	RulePullRequestTarget  = "pull-request-target"
	RulePermissions        = "permissions"
	RulePersistCredentials = "persist-credentials"
)

// ErrNotWorkflow is returned by Lint for YAML that is neither a workflow nor an action.
var ErrNotWorkflow = errors.New("citemplates: not a GitHub Actions workflow or action metadata file")

// Finding is one violation of a rule, located in its file.
type Finding struct {
	File string
	Line int
	Rule string
	Msg  string
}

// String formats the finding as file:line: [rule] message.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: [%s] %s", f.File, f.Line, f.Rule, f.Msg)
}

var (
	// shaRef is a remote action or reusable workflow pinned to a full commit SHA.
	shaRef = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$`)
	// versionComment is the "# vX.Y.Z" comment that names the pinned version.
	versionComment = regexp.MustCompile(`^#\s*v[0-9]+(\.[0-9]+){0,2}\S*`)
	// dockerDigest is a docker:// action pinned by digest.
	dockerDigest = regexp.MustCompile(`^docker://[^@]+@sha256:[0-9a-f]{64}$`)
)

// LintFile reads path and applies Lint to it.
func LintFile(path string) ([]Finding, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("citemplates: lint: %w", err)
	}
	return Lint(path, src)
}

// Lint applies the project's rules to a GitHub Actions workflow or action metadata file:
//
//   - expression-in-run: no ${{ }} expression inside a run: script (inputs, github.event.*
//     and every other context reach scripts only through env: and quoted variables);
//   - unpinned-uses: every remote uses: is pinned to a full 40-character commit SHA
//     followed by a "# vX.Y.Z" comment (docker:// images by sha256 digest);
//   - pull-request-target: the workflow is never triggered by pull_request_target;
//   - permissions: a workflow sets top-level permissions (never read-all or write-all)
//     and every job sets its own;
//   - persist-credentials: every actions/checkout step sets persist-credentials: false.
//
// name is used in the findings. The findings are sorted by line.
func Lint(name string, src []byte) ([]Finding, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("citemplates: lint %s: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("lint %s: %w", name, ErrNotWorkflow)
	}
	root := doc.Content[0]
	l := &linter{file: name}
	switch {
	case mapGet(root, "jobs") != nil:
		l.workflow(root)
	case mapGet(root, "runs") != nil:
		if steps := mapGet(mapGet(root, "runs"), "steps"); steps != nil {
			l.steps(steps)
		}
	default:
		return nil, fmt.Errorf("lint %s: %w", name, ErrNotWorkflow)
	}
	sort.SliceStable(l.findings, func(i, j int) bool { return l.findings[i].Line < l.findings[j].Line })
	return l.findings, nil
}

type linter struct {
	file     string
	findings []Finding
}

func (l *linter) report(n *yaml.Node, rule, format string, args ...any) {
	l.findings = append(l.findings, Finding{File: l.file, Line: n.Line, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

func (l *linter) workflow(root *yaml.Node) {
	if on := mapGetKey(root, "on"); on != nil {
		l.triggers(on)
	}
	perms := mapGet(root, "permissions")
	switch {
	case perms == nil:
		l.report(root, RulePermissions, "workflow has no top-level permissions; set permissions: {} (or contents: read) and grant more per job")
	case perms.Kind == yaml.ScalarNode && perms.Tag != "!!null":
		l.report(perms, RulePermissions, "top-level permissions: %s grants every scope; list the scopes instead", perms.Value)
	}
	jobs := mapGet(root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		id, job := jobs.Content[i], jobs.Content[i+1]
		if job.Kind != yaml.MappingNode {
			continue
		}
		jp := mapGet(job, "permissions")
		switch {
		case jp == nil:
			l.report(id, RulePermissions, "job %q does not set its own permissions", id.Value)
		case jp.Kind == yaml.ScalarNode && jp.Tag != "!!null":
			l.report(jp, RulePermissions, "job %q: permissions: %s grants every scope; list the scopes instead", id.Value, jp.Value)
		}
		if uses := mapGet(job, "uses"); uses != nil {
			l.uses(uses)
		}
		if steps := mapGet(job, "steps"); steps != nil {
			l.steps(steps)
		}
	}
}

// triggers reports pull_request_target in any of the three forms of on:.
func (l *linter) triggers(on *yaml.Node) {
	check := func(n *yaml.Node) {
		if n.Value == "pull_request_target" {
			l.report(n, RulePullRequestTarget, "pull_request_target runs with a write token and secrets on untrusted code; use pull_request")
		}
	}
	switch on.Kind {
	case yaml.ScalarNode:
		check(on)
	case yaml.SequenceNode:
		for _, n := range on.Content {
			check(n)
		}
	case yaml.MappingNode:
		for i := 0; i < len(on.Content); i += 2 {
			check(on.Content[i])
		}
	}
}

func (l *linter) steps(steps *yaml.Node) {
	if steps.Kind != yaml.SequenceNode {
		return
	}
	for _, step := range steps.Content {
		if step.Kind != yaml.MappingNode {
			continue
		}
		if run := mapGet(step, "run"); run != nil && strings.Contains(run.Value, "${{") {
			l.report(run, RuleExpressionInRun, "${{ }} expression inside run: is pasted into the script before the shell parses it (script injection); pass the value through env: and use a quoted \"$VAR\"")
		}
		uses := mapGet(step, "uses")
		if uses == nil {
			continue
		}
		l.uses(uses)
		if strings.HasPrefix(uses.Value, "actions/checkout@") {
			with := mapGet(step, "with")
			pc := mapGet(with, "persist-credentials")
			if pc == nil || pc.Value != "false" {
				l.report(uses, RulePersistCredentials, "actions/checkout without persist-credentials: false leaves the token in .git/config for every later step")
			}
		}
	}
}

func (l *linter) uses(n *yaml.Node) {
	v := n.Value
	switch {
	case strings.HasPrefix(v, "./"):
		return
	case strings.HasPrefix(v, "docker://"):
		if !dockerDigest.MatchString(v) {
			l.report(n, RuleUnpinnedUses, "%s: pin the image by @sha256 digest", v)
		}
		return
	}
	if !shaRef.MatchString(v) {
		l.report(n, RuleUnpinnedUses, "%s: pin to a full 40-character commit SHA (tags and branches are mutable)", v)
		return
	}
	if !versionComment.MatchString(strings.TrimSpace(n.LineComment)) {
		l.report(n, RuleUnpinnedUses, "%s: add the version the SHA stands for as a comment, e.g. # v4.2.2", v)
	}
}

// mapGet returns the value for key in a mapping node, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapGetKey is mapGet for the on: key, which YAML 1.1 parsers may read as the boolean true.
func mapGetKey(m *yaml.Node, key string) *yaml.Node {
	if n := mapGet(m, key); n != nil {
		return n
	}
	if key == "on" {
		return mapGet(m, "true")
	}
	return nil
}
