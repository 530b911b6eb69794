package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrTemplates is wrapped when the CI templates are not pinned to the
// racecheck release they ship with.
var ErrTemplates = errors.New("the CI templates are not pinned to this racecheck release")

// TemplateDefault is where a CI template declares its racecheck-version input.
type TemplateDefault struct {
	File string   // relative to the repository root
	Keys []string // the mapping keys leading to the input's default
}

// TemplateDefaults lists every template input that chooses the racecheck to
// install. Their defaults must name the racecheck release the templates are
// released with (never latest), so that a template pinned by commit always
// runs the same racecheck.
var TemplateDefaults = []TemplateDefault{
	{".github/workflows/go-race-fuzz.yml", []string{"on", "workflow_call", "inputs", "racecheck-version", "default"}},
	{"ci-templates/github/race-fuzz/action.yml", []string{"inputs", "racecheck-version", "default"}},
	{"ci-templates/github/setup-racecheck/action.yml", []string{"inputs", "racecheck-version", "default"}},
	{"ci-templates/gitlab/race-fuzz.yml", []string{"spec", "inputs", "racecheck-version", "default"}},
}

// TemplateVersions returns the racecheck-version default of every template
// in TemplateDefaults, by file.
func TemplateVersions(root string) (map[string]string, error) {
	out := map[string]string{}
	for _, td := range TemplateDefaults {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(td.File)))
		if err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		// The GitLab template is two YAML documents; the spec is the first.
		var doc yaml.Node
		if err := yaml.NewDecoder(bytes.NewReader(src)).Decode(&doc); err != nil {
			return nil, fmt.Errorf("release: %s: %w", td.File, err)
		}
		n := doc.Content[0]
		for _, k := range td.Keys {
			n = mapValue(n, k)
			if n == nil {
				return nil, fmt.Errorf("release: %s: no %s: %w", td.File, strings.Join(td.Keys, "."), ErrTemplates)
			}
		}
		out[td.File] = n.Value
	}
	return out, nil
}

// mapValue returns the value of key in a mapping node, reading the YAML 1.1
// boolean key true as "on".
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i].Value; k == key || (key == "on" && k == "true") {
			return m.Content[i+1]
		}
	}
	return nil
}

// CheckTemplatesPinned checks what racecheck's release at version needs of
// the CI templates: every racecheck-version default is version, the
// templates use setup-racecheck at a commit whose action.yml is the one in
// the tree (CheckSetupPins), and docs/ci-templates.md gives the GitLab
// template's integrity hash (CheckGitLabIntegrity).
func CheckTemplatesPinned(root, version string) error {
	versions, err := TemplateVersions(root)
	if err != nil {
		return err
	}
	var bad []string
	for _, td := range TemplateDefaults {
		if v := versions[td.File]; v != version {
			bad = append(bad, fmt.Sprintf("%s: racecheck-version default is %q, want %q", td.File, v, version))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w:\n  %s", ErrTemplates, strings.Join(bad, "\n  "))
	}
	if err := CheckSetupPins(context.Background(), root); err != nil {
		return err
	}
	return CheckGitLabIntegrity(root)
}

// SetupAction is the setup-racecheck composite action, and SetupUsers the
// templates that use it by commit SHA.
const SetupAction = "ci-templates/github/setup-racecheck/action.yml"

// SetupUsers are the GitHub templates that install racecheck through SetupAction.
var SetupUsers = []string{".github/workflows/go-race-fuzz.yml", "ci-templates/github/race-fuzz/action.yml"}

var setupRef = regexp.MustCompile(`uses:\s+raceproof/raceproof/ci-templates/github/setup-racecheck@([0-9a-f]{40})\b`)

// SetupPins returns the commit SHAs at which each of SetupUsers uses SetupAction.
func SetupPins(root string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, f := range SetupUsers {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		for _, m := range setupRef.FindAllSubmatch(src, -1) {
			out[f] = append(out[f], string(m[1]))
		}
		if len(out[f]) == 0 {
			return nil, fmt.Errorf("release: %s does not use %s by commit SHA: %w", f, filepath.Dir(SetupAction), ErrTemplates)
		}
	}
	return out, nil
}

// CheckSetupPins checks that every commit at which the templates use
// setup-racecheck holds the setup-racecheck/action.yml of the work tree, so
// the pinned action is exactly the one tested here. A reusable workflow
// cannot use an action of its own repository by relative path, so the pin
// is a SHA; after changing the action, commit it and run
// `go run ./cmd/pinsetup` in tools to move the pins to that commit.
func CheckSetupPins(ctx context.Context, root string) error {
	pins, err := SetupPins(root)
	if err != nil {
		return err
	}
	want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(SetupAction)))
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	var bad []string
	for _, f := range SetupUsers {
		for _, sha := range pins[f] {
			got, err := git(ctx, root, "show", sha+":"+SetupAction)
			switch {
			case err != nil:
				bad = append(bad, fmt.Sprintf("%s: commit %s is not in this clone or has no %s", f, sha, SetupAction))
			case got != string(want):
				bad = append(bad, fmt.Sprintf("%s: %s at %s differs from the work tree's", f, SetupAction, sha[:12]))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w (commit the action, then run go run ./cmd/pinsetup in tools):\n  %s", ErrTemplates, strings.Join(bad, "\n  "))
	}
	return nil
}

// GitLabTemplate is the GitLab CI template; GitLabDocs documents its remote
// include with an integrity hash.
const (
	GitLabTemplate = "ci-templates/gitlab/race-fuzz.yml"
	GitLabDocs     = "docs/ci-templates.md"
)

// GitLabIntegrity is the integrity: value of a remote include of the GitLab
// template as it is in the tree: sha256- and the base64 SHA-256 of the file.
func GitLabIntegrity(root string) (string, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(GitLabTemplate)))
	if err != nil {
		return "", fmt.Errorf("release: %w", err)
	}
	sum := sha256.Sum256(src)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:]), nil
}

// CheckGitLabIntegrity checks that GitLabDocs gives the template's current
// integrity hash in its remote include.
func CheckGitLabIntegrity(root string) error {
	want, err := GitLabIntegrity(root)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(GitLabDocs)))
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	if !bytes.Contains(doc, []byte("integrity: "+want)) {
		return fmt.Errorf("%w: %s must document the remote include with integrity: %s (the SHA-256 of %s)", ErrTemplates, GitLabDocs, want, GitLabTemplate)
	}
	return nil
}

// PinSetup points every use of SetupAction in SetupUsers at the last commit
// that changed SetupAction, with the racecheck-version default of the action
// as the version comment, and returns that commit. The action must be
// committed: a pin names a commit, never the work tree.
func PinSetup(ctx context.Context, root string) (string, error) {
	if _, err := git(ctx, root, "diff", "--quiet", "HEAD", "--", SetupAction); err != nil {
		return "", fmt.Errorf("release: %s has uncommitted changes; commit it first: %w", SetupAction, ErrTemplates)
	}
	out, err := git(ctx, root, "log", "-1", "--format=%H", "--", SetupAction)
	if err != nil {
		return "", err
	}
	sha := strings.TrimSpace(out)
	if len(sha) != 40 {
		return "", fmt.Errorf("release: %s is not committed yet: %w", SetupAction, ErrTemplates)
	}
	versions, err := TemplateVersions(root)
	if err != nil {
		return "", err
	}
	comment := versions[SetupAction]
	ref := regexp.MustCompile(`(uses:\s+raceproof/raceproof/ci-templates/github/setup-racecheck@)\S+(\s+#[^\n]*)?`)
	for _, f := range SetupUsers {
		path := filepath.Join(root, filepath.FromSlash(f))
		src, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("release: %w", err)
		}
		if !ref.Match(src) {
			return "", fmt.Errorf("release: %s does not use %s: %w", f, filepath.Dir(SetupAction), ErrTemplates)
		}
		src = ref.ReplaceAll(src, []byte("${1}"+sha+" # "+comment))
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return "", fmt.Errorf("release: %w", err)
		}
	}
	return sha, nil
}
