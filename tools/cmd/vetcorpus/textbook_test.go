package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/vet"
)

// textbookDir holds the textbook sets of docs/vet.md ("Textbook shapes"):
// one module per set, each package a bug.go with one check-then-act race
// and a fixed.go with its fix.
const textbookDir = "../../../docs/vet-corpus/textbook"

// diagnosticLine is one line of racecheck vet's text output.
var diagnosticLine = regexp.MustCompile(`/(set\d+)/(\w+)/(\w+\.go):\d+:\d+: .*\[checkthenact/([a-z-]+)\]$`)

// TestTextbookSets runs racecheck vet over every textbook set and checks
// that it finds exactly what found.tsv lists, by the rules it names: the
// bugs found, and the findings in fixes, each listed with "fixed.go" (none
// but one race a set's fix keeps from its bug): the figures docs/vet.md
// quotes.
func TestTextbookSets(t *testing.T) {
	want := readFound(t, filepath.Join(textbookDir, "found.tsv"))
	sets, err := filepath.Glob(filepath.Join(textbookDir, "set*"))
	require.NoError(t, err)
	require.NotEmpty(t, sets)
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	var got []string
	for _, set := range sets {
		var stdout, stderr bytes.Buffer
		code := vet.Run([]string{"-only", "checkthenact", "-C", set, "./..."}, &stdout, &stderr)
		require.Contains(t, []int{0, 1}, code, "racecheck vet in %s: %s", set, stderr.String())
		for line := range strings.Lines(stdout.String()) {
			m := diagnosticLine.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				continue
			}
			key := m[1] + "\t" + m[2] + "\t" + m[4]
			if m[3] != "bug.go" {
				key += "\t" + m[3] // a finding in a fix: listed as such, or the test fails
			}
			got = append(got, key)
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	assert.Equal(t, want, got)
}

// readFound reads found.tsv: set, package and rule per line, then
// "fixed.go" for a finding in a fix, or a note (a finding that is not the
// package's bug, "incidental: …") that is no part of what is compared; #
// starts a comment line.
func readFound(t *testing.T, path string) []string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		require.GreaterOrEqual(t, len(fields), 3, "found.tsv: %q", line)
		key := strings.Join(fields[:3], "\t")
		if len(fields) > 3 && fields[3] == "fixed.go" {
			key += "\tfixed.go"
		}
		out = append(out, key)
	}
	require.NoError(t, sc.Err())
	slices.Sort(out)
	return out
}
