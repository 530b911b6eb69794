package release

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"golang.org/x/mod/semver"
)

// ErrChangelog is wrapped by errors about a missing or malformed CHANGELOG.md.
var ErrChangelog = errors.New("CHANGELOG.md")

// Entry is one version section of a CHANGELOG.md: a "## vX.Y.Z" heading
// (optionally "## [vX.Y.Z] - 2026-12-02") and the lines up to the next "## ".
type Entry struct {
	Version string
	Body    string
	Line    int
}

// IncompatibleHeading is the section an entry needs when its release holds
// incompatible API changes (allowed only in v0 minor releases).
const IncompatibleHeading = "### Incompatible changes"

// HasIncompatibleSection reports whether the entry lists incompatible changes.
func (e Entry) HasIncompatibleSection() bool {
	for _, line := range strings.Split(e.Body, "\n") {
		if strings.EqualFold(strings.TrimSpace(line), IncompatibleHeading) {
			return true
		}
	}
	return false
}

var versionHeading = regexp.MustCompile(`^## \[?(v[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)\]?(?:\s|$)`)

// ParseChangelog returns the version entries of a CHANGELOG.md, newest
// (first) first. A "## Unreleased" section is skipped. An entry with an empty
// body, a heading whose version is not valid semver, and versions that do
// not decrease down the file are errors.
func ParseChangelog(name string, src []byte) ([]Entry, error) {
	var out []Entry
	var cur *Entry
	var body []string
	flush := func() {
		if cur != nil {
			cur.Body = strings.TrimSpace(strings.Join(body, "\n"))
			out = append(out, *cur)
		}
		cur, body = nil, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !strings.HasPrefix(line, "## ") {
			if cur != nil {
				body = append(body, line)
			}
			continue
		}
		flush()
		m := versionHeading.FindStringSubmatch(line)
		if m == nil {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(line, "## ")), "unreleased") {
				continue
			}
			return nil, fmt.Errorf("%s:%d: heading %q: want \"## vX.Y.Z\" or \"## Unreleased\": %w", name, n, line, ErrChangelog)
		}
		if !semver.IsValid(m[1]) {
			return nil, fmt.Errorf("%s:%d: %s is not a semantic version: %w", name, n, m[1], ErrChangelog)
		}
		cur = &Entry{Version: m[1], Line: n}
	}
	flush()
	for i, e := range out {
		if e.Body == "" {
			return nil, fmt.Errorf("%s:%d: the entry for %s is empty: %w", name, e.Line, e.Version, ErrChangelog)
		}
		if i > 0 && semver.Compare(out[i-1].Version, e.Version) <= 0 {
			return nil, fmt.Errorf("%s:%d: %s is listed above %s: newest first: %w", name, out[i-1].Line, out[i-1].Version, e.Version, ErrChangelog)
		}
	}
	return out, sc.Err()
}

// readChangelog parses dir/CHANGELOG.md, which must have at least one entry.
func readChangelog(dir, display string) ([]Entry, error) {
	src, err := os.ReadFile(dir + "/CHANGELOG.md")
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", display, ErrChangelog, err)
	}
	entries, err := ParseChangelog(display, src)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no \"## vX.Y.Z\" entry: %w", display, ErrChangelog)
	}
	return entries, nil
}
