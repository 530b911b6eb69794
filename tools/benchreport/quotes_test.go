package benchreport

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	// reportLink is a Markdown link to docs/benchmarks.md, with the anchor
	// of one of its sections or none.
	reportLink = regexp.MustCompile(`\]\((?:[./]*docs/)?benchmarks\.md(?:#([a-z0-9_-]+))?\)`)
	// quotedRatio is a ratio as the report prints it, with two decimals
	// ("0.70×"), also with a space before the sign ("0.55 ×"), and the word
	// after it; a bound such as "≤ 1.0×" is not a quote.
	quotedRatio = regexp.MustCompile("(\\d+\\.\\d\\d) ?×[*`~ ]*([A-Za-z][\\w.+-]*)?")
	// quotedPoints is a hit-ratio difference as the report prints it ("+0.47 points").
	quotedPoints = regexp.MustCompile(`([+-]\d+\.\d\d) points`)
	// summaryRow is a row of a report's ours/peer summary table: ours,
	// peer and the geometric mean.
	summaryRow = regexp.MustCompile(`(?m)^\| (\S+) \| (\S+) \| \d+ \| \d+ \| \d+ \| \d+ \| (\d+\.\d\d×) \|`)
)

// unquotedNumbers returns the numbers quoted in a README section that links
// to the report but not shown by the part of the report it links to (a
// section of the report when the link has its anchor, else all of it). A
// ratio followed by the name of a peer ("0.70× otter", "0.55× `chan`") must
// be the geometric mean of a summary row for that peer there; any other
// ratio (N.NN×) or hit-ratio difference (±N.NN points) must appear there.
// README sections are split at headings; code blocks are skipped.
func unquotedNumbers(readme, report string) []string {
	sections := map[string]string{"": report}
	for _, part := range strings.Split(report, "\n## ")[1:] {
		heading, _, _ := strings.Cut(part, "\n")
		sections[anchor(heading)] = part
	}
	var missing []string
	for _, sec := range markdownSections(readme) {
		links := reportLink.FindAllStringSubmatch(sec, -1)
		if len(links) == 0 {
			continue
		}
		var scope strings.Builder
		for _, l := range links {
			s, ok := sections[l[1]]
			if !ok {
				missing = append(missing, "link to a missing section #"+l[1])
			}
			scope.WriteString(s)
		}
		geomeans := map[string][]string{}
		for _, m := range summaryRow.FindAllStringSubmatch(scope.String(), -1) {
			geomeans[m[2]] = append(geomeans[m[2]], m[3])
		}
		for _, m := range quotedRatio.FindAllStringSubmatch(sec, -1) {
			ratio := m[1] + "×"
			peer := strings.TrimSuffix(strings.TrimRight(m[2], ".,;:"), "'s")
			if g, ok := geomeans[peer]; ok {
				if !slices.Contains(g, ratio) {
					missing = append(missing, ratio+" "+peer)
				}
				continue
			}
			if !strings.Contains(scope.String(), ratio) {
				missing = append(missing, ratio)
			}
		}
		for _, m := range quotedPoints.FindAllStringSubmatch(sec, -1) {
			if !strings.Contains(scope.String(), " "+m[1]+" |") {
				missing = append(missing, m[0])
			}
		}
	}
	return missing
}

// markdownSections splits Markdown at its headings, leaving out code blocks.
func markdownSections(md string) []string {
	var out []string
	var cur strings.Builder
	fence := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			fence = !fence
			continue
		case fence:
			continue
		case strings.HasPrefix(line, "#"):
			out = append(out, cur.String())
			cur.Reset()
		}
		cur.WriteString(line + "\n")
	}
	return append(out, cur.String())
}

func TestUnquotedNumbersFindsWhatTheReportDoesNotSay(t *testing.T) {
	report := "# r\n\n## mapbench\n\n| safemap.Map | sync.Map | 2 | 0 | 0 | 2 | 0.48× | 0.40× | 0.57× | x |\n" +
		"| k | 1 | safemap.Map | 12 | 0.57× ~ sync.Map, 0.99× xsync.Map |\n\n" +
		"## cachebench\n\n| shardcache.Cache | otter | 12 | 5 | 0 | 7 | 0.70× | 0.34× | 2.80× | reads=100 (P=1) |\n" +
		"| shardcache.Cache | otter | 78 | +0.47 | -1.03 | x |\n"
	readme := "# m\n\n## Performance\n\nFrom [docs/benchmarks.md](../../docs/benchmarks.md#mapbench): 0.48× `sync.Map`, " +
		"0.57× sync.Map (a case, not the geometric mean), 0.99× (a case, quoted as such).\n\n" +
		"```sh\n0.12× in a code block is ignored\n```\n\n" +
		"## Cache\n\n[report](docs/benchmarks.md#cachebench): **0.70 ×** otter's time, 2.80× at worst, +0.47 points, " +
		"0.48× (a map ratio, not in this suite), +0.50 points, 0.71× otter.\n\n" +
		"## Unlinked\n\n3.14× from somewhere else is not checked.\n\n" +
		"## Bound\n\n[docs/benchmarks.md](docs/benchmarks.md): a target of ≤ 1.0× otter is no quote.\n\n" +
		"## Whole\n\n[docs/benchmarks.md](docs/benchmarks.md): 0.48× sync.Map, 0.70× otter, 9.99×; [gone](docs/benchmarks.md#lockfreebench)\n"
	assert.Equal(t, []string{"0.57× sync.Map", "0.48×", "0.71× otter", "+0.50 points", "link to a missing section #lockfreebench", "9.99×"},
		unquotedNumbers(readme, report))
}

// TestREADMEQuotesComeFromTheReport keeps the READMEs true to
// docs/benchmarks.md: every ratio and hit-ratio difference a README section
// quotes next to a link to the report appears in the part of the report it
// links to. It reads committed files only; after regenerating the report,
// the READMEs quoting it are updated in the same commit.
func TestREADMEQuotesComeFromTheReport(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.work"))
	report, err := os.ReadFile(filepath.Join(root, "docs", "benchmarks.md"))
	require.NoError(t, err)
	readmes, err := filepath.Glob(filepath.Join(root, "modules", "*", "README.md"))
	require.NoError(t, err)
	readmes = append(readmes, filepath.Join(root, "README.md"))
	if _, err := os.Stat(filepath.Join(root, "benchmarks", "README.md")); err == nil {
		readmes = append(readmes, filepath.Join(root, "benchmarks", "README.md"))
	}
	quoting := 0
	for _, p := range readmes {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		if reportLink.Match(b) {
			quoting++
		}
		rel, _ := filepath.Rel(root, p)
		assert.Empty(t, unquotedNumbers(string(b), string(report)), "%s quotes numbers that docs/benchmarks.md does not show there", rel)
	}
	assert.GreaterOrEqual(t, quoting, 3, "the module READMEs link to the report")
}
