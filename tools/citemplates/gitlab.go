package citemplates

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrInvalidInput is wrapped by ValidateInputs for a value its spec:inputs entry rejects.
var ErrInvalidInput = errors.New("citemplates: input rejected by spec:inputs")

// GitLabInput is one entry of a GitLab CI template's spec:inputs header.
type GitLabInput struct {
	Name        string
	Type        string // string (default), boolean, number or array
	Default     *string
	Options     []string
	Regex       string
	Description string
	Line        int
}

// GitLabTemplate is a GitLab CI template split into its spec header and its body.
type GitLabTemplate struct {
	Inputs []GitLabInput
	Body   *yaml.Node
}

var inputRef = regexp.MustCompile(`\$\[\[\s*inputs\.([A-Za-z0-9_-]+)(\s*\|[^\]]*)?\s*\]\]`)

// ParseGitLabTemplate reads a template made of a `spec:` document, `---`, and the jobs.
func ParseGitLabTemplate(src []byte) (*GitLabTemplate, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var head, body yaml.Node
	if err := dec.Decode(&head); err != nil {
		return nil, fmt.Errorf("citemplates: gitlab spec header: %w", err)
	}
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("citemplates: gitlab template body: %w", err)
	}
	inputs := mapGet(mapGet(head.Content[0], "spec"), "inputs")
	if inputs == nil || inputs.Kind != yaml.MappingNode {
		return nil, errors.New("citemplates: gitlab template has no spec:inputs")
	}
	t := &GitLabTemplate{Body: body.Content[0]}
	for i := 0; i+1 < len(inputs.Content); i += 2 {
		k, v := inputs.Content[i], inputs.Content[i+1]
		in := GitLabInput{Name: k.Value, Type: "string", Line: k.Line}
		if n := mapGet(v, "type"); n != nil {
			in.Type = n.Value
		}
		if n := mapGet(v, "default"); n != nil {
			d := n.Value
			in.Default = &d
		}
		if n := mapGet(v, "regex"); n != nil {
			in.Regex = n.Value
		}
		if n := mapGet(v, "description"); n != nil {
			in.Description = n.Value
		}
		if n := mapGet(v, "options"); n != nil {
			for _, o := range n.Content {
				in.Options = append(in.Options, o.Value)
			}
		}
		t.Inputs = append(t.Inputs, in)
	}
	return t, nil
}

// Check applies the project's rules to the template and returns the violations:
// every string input is constrained by regex or options (all of them reach a shell through
// variables); every default satisfies its own constraint; every input has a description;
// every input is used and every $[[ inputs.x ]] is declared; no input is interpolated
// into before_script, script or after_script (values reach scripts only as variables);
// and every cache key a job only restores (policy: pull) is saved by some job.
func (t *GitLabTemplate) Check(file string) []Finding {
	var out []Finding
	add := func(line int, rule, format string, args ...any) {
		out = append(out, Finding{File: file, Line: line, Rule: rule, Msg: fmt.Sprintf(format, args...)})
	}
	declared := map[string]bool{}
	for _, in := range t.Inputs {
		declared[in.Name] = true
		if in.Description == "" {
			add(in.Line, "gitlab-input-description", "input %q has no description", in.Name)
		}
		if in.Type == "string" && in.Regex == "" && len(in.Options) == 0 {
			add(in.Line, "gitlab-input-unconstrained", "string input %q reaches a shell but has neither regex nor options", in.Name)
		}
		if in.Regex != "" {
			if _, err := regexp.Compile(in.Regex); err != nil {
				add(in.Line, "gitlab-input-regex", "input %q: regex does not compile: %v", in.Name, err)
			}
		}
		if in.Default != nil {
			if err := in.Validate(*in.Default); err != nil {
				add(in.Line, "gitlab-input-default", "%v", err)
			}
		}
	}
	used := map[string]bool{}
	walk(t.Body, "", func(n *yaml.Node, key string) {
		for _, m := range inputRef.FindAllStringSubmatch(n.Value, -1) {
			used[m[1]] = true
			if !declared[m[1]] {
				add(n.Line, "gitlab-input-undeclared", "$[[ inputs.%s ]] is not declared in spec:inputs", m[1])
			}
			if key == "script" || key == "before_script" || key == "after_script" {
				add(n.Line, "gitlab-input-in-script", "$[[ inputs.%s ]] is pasted into %s; pass it through variables: and use \"$VAR\"", m[1], key)
			}
		}
	})
	for _, in := range t.Inputs {
		if !used[in.Name] {
			add(in.Line, "gitlab-input-unused", "input %q is never used", in.Name)
		}
	}
	saved := map[string]bool{}
	var pulled []*yaml.Node
	for _, c := range t.caches() {
		key := mapGet(c, "key")
		if key == nil || key.Kind != yaml.ScalarNode {
			continue
		}
		if p := mapGet(c, "policy"); p != nil && p.Value == "pull" {
			pulled = append(pulled, key)
		} else {
			saved[key.Value] = true
		}
	}
	for _, key := range pulled {
		if !saved[key.Value] {
			add(key.Line, "gitlab-cache-never-saved", "cache key %q is only restored (policy: pull); no job saves it, so the restore never finds anything", key.Value)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// caches returns the cache entries of every job: the mapping under a job's cache:, or
// each mapping of its list.
func (t *GitLabTemplate) caches() []*yaml.Node {
	var out []*yaml.Node
	for i := 0; i+1 < len(t.Body.Content); i += 2 {
		c := mapGet(t.Body.Content[i+1], "cache")
		switch {
		case c == nil:
		case c.Kind == yaml.MappingNode:
			out = append(out, c)
		case c.Kind == yaml.SequenceNode:
			for _, e := range c.Content {
				if e.Kind == yaml.MappingNode {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// Validate reports whether v is a value the input accepts, with GitLab's rules for its type,
// options and regex (GitLab's regex dialect is RE2, the same as Go's).
func (in GitLabInput) Validate(v string) error {
	switch in.Type {
	case "boolean":
		if v != "true" && v != "false" {
			return fmt.Errorf("input %q = %q: want true or false: %w", in.Name, v, ErrInvalidInput)
		}
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("input %q = %q: want a number: %w", in.Name, v, ErrInvalidInput)
		}
	}
	if len(in.Options) > 0 && !slices.Contains(in.Options, v) {
		return fmt.Errorf("input %q = %q: want one of %s: %w", in.Name, v, strings.Join(in.Options, ", "), ErrInvalidInput)
	}
	if in.Regex != "" {
		re, err := regexp.Compile(in.Regex)
		if err != nil {
			return fmt.Errorf("input %q: regex %q: %w", in.Name, in.Regex, err)
		}
		if !re.MatchString(v) {
			return fmt.Errorf("input %q = %q: does not match %s: %w", in.Name, v, in.Regex, ErrInvalidInput)
		}
	}
	return nil
}

// ValidateInputs checks a set of input values as GitLab would when the template is
// included with them: unknown names and rejected values are errors.
func (t *GitLabTemplate) ValidateInputs(values map[string]string) error {
	var errs []error
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		i := slices.IndexFunc(t.Inputs, func(in GitLabInput) bool { return in.Name == name })
		if i < 0 {
			errs = append(errs, fmt.Errorf("input %q: not declared: %w", name, ErrInvalidInput))
			continue
		}
		if err := t.Inputs[i].Validate(values[name]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// walk calls fn for every scalar under n with the nearest enclosing mapping key.
func walk(n *yaml.Node, key string, fn func(n *yaml.Node, key string)) {
	switch n.Kind {
	case yaml.ScalarNode:
		fn(n, key)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i], key)
			walk(n.Content[i+1], n.Content[i].Value, fn)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			walk(c, key, fn)
		}
	}
}
