// Command vetcorpus measures racecheck vet's checkthenact on the real
// projects docs/vet.md judges, and counts its precision rule by rule.
//
//	go run ./tools/cmd/vetcorpus -src DIR [-groups 29,set30] [-projects FILE] [-verdicts FILE]
//
// DIR holds one checkout per project, named owner+repo (github.com/owner/repo),
// at the commit docs/vet-corpus/projects.tsv names; vetcorpus never changes a
// checkout: one at another commit, or missing, is reported and left out. In
// each it runs racecheck vet -json -only checkthenact ./... (with GOWORK=off
// and GOFLAGS=-mod=mod, as the measurements on docs/vet.md were made), then
// joins the findings with docs/vet-corpus/verdicts.tsv by file and line and
// prints, in Markdown, each project's counts, each rule's precision in the
// projects the rules were written from (group "29") and elsewhere, the
// findings no verdict covers (to judge) and the verdicts no finding matches
// any more (a finding gone). The run is long (about an hour for every
// group on two cores); -groups picks some.
//
// projects.tsv has one project per line: group, owner/repo, commit (a
// prefix), and optionally a shell command that prepares a checkout that has
// no go.mod (go mod init …). verdicts.tsv has one judged finding per line:
// owner/repo, file:line (the first line of the finding), verdict (true,
// debatable or false) and the reason. Lines starting with # are comments.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/vet"
)

func main() {
	src := flag.String("src", "", "`dir` holding one checkout per project, named owner+repo")
	projectsFile := flag.String("projects", "docs/vet-corpus/projects.tsv", "the projects and their commits")
	verdictsFile := flag.String("verdicts", "docs/vet-corpus/verdicts.tsv", "the judged findings")
	groups := flag.String("groups", "", "comma-separated `groups` to measure (default all)")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "vetcorpus: -src is required")
		os.Exit(2)
	}
	projects, err := readProjects(*projectsFile, *groups)
	if err == nil && len(projects) == 0 {
		err = fmt.Errorf("no project in groups %q", *groups)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "vetcorpus: %v\n", err)
		os.Exit(2)
	}
	verdicts, err := readVerdicts(*verdictsFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vetcorpus: %v\n", err)
		os.Exit(2)
	}
	// The projects are measured as modules of their own, outside any
	// workspace, resolving what their go.mod files leave open.
	os.Setenv("GOWORK", "off")
	os.Setenv("GOFLAGS", "-mod=mod")
	results := measure(projects, func(p project) ([]finding, error) {
		return vetProject(filepath.Join(*src, p.dirName()), p)
	})
	writeReport(os.Stdout, results, verdicts)
}

// project is one line of projects.tsv.
type project struct {
	group, repo, commit, setup string
}

// dirName is the checkout's directory under -src: owner+repo.
func (p project) dirName() string { return strings.ReplaceAll(p.repo, "/", "+") }

// verdict is one line of verdicts.tsv.
type verdict struct {
	repo, at, judged, reason string
}

// finding is one diagnostic of checkthenact in a project.
type finding struct {
	at      string // file:line, the file relative to the checkout
	rule    string
	message string
}

// result is what one project gave.
type result struct {
	project
	findings []finding
	err      error // the project was not measured
}

// readTSV calls fields with the fields of each line of path that is neither
// empty nor a comment, and its line number.
func readTSV(path string, fields func(line int, f []string) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fields(n, strings.Split(line, "\t")); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// readProjects reads projects.tsv, keeping the projects of the
// comma-separated groups (all when groups is empty).
func readProjects(path, groups string) ([]project, error) {
	want := map[string]bool{}
	for g := range strings.SplitSeq(groups, ",") {
		if g = strings.TrimSpace(g); g != "" {
			want[g] = true
		}
	}
	var ps []project
	err := readTSV(path, func(_ int, f []string) error {
		if len(f) < 3 || len(f) > 4 || !strings.Contains(f[1], "/") || f[2] == "" {
			return errors.New("want group, owner/repo, commit and an optional setup command, separated by tabs")
		}
		p := project{group: f[0], repo: f[1], commit: f[2]}
		if len(f) == 4 {
			p.setup = f[3]
		}
		if len(want) == 0 || want[p.group] {
			ps = append(ps, p)
		}
		return nil
	})
	return ps, err
}

// readVerdicts reads verdicts.tsv into a map from owner/repo and file:line.
func readVerdicts(path string) (map[[2]string]verdict, error) {
	vs := map[[2]string]verdict{}
	err := readTSV(path, func(_ int, f []string) error {
		if len(f) != 4 {
			return errors.New("want owner/repo, file:line, verdict and reason, separated by tabs")
		}
		v := verdict{repo: f[0], at: f[1], judged: f[2], reason: f[3]}
		if !slices.Contains(verdictNames, v.judged) {
			return fmt.Errorf("verdict %q is none of %s", v.judged, strings.Join(verdictNames, ", "))
		}
		k := [2]string{v.repo, v.at}
		if _, dup := vs[k]; dup {
			return fmt.Errorf("%s %s is judged twice", v.repo, v.at)
		}
		vs[k] = v
		return nil
	})
	return vs, err
}

var verdictNames = []string{"true", "debatable", "false"}

// measure runs vet on each project in turn.
func measure(ps []project, vet func(project) ([]finding, error)) []result {
	rs := make([]result, 0, len(ps))
	for _, p := range ps {
		fs, err := vet(p)
		rs = append(rs, result{project: p, findings: fs, err: err})
	}
	return rs
}

// vetProject checks that dir is p's checkout at p's commit, prepares it, and
// runs racecheck vet in it. Packages that do not load are left out, as
// racecheck vet leaves them out, and named on stderr.
func vetProject(dir string, p project) ([]finding, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no checkout: %w", err)
	}
	head, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return nil, fmt.Errorf("%s is no git checkout: %w", dir, err)
	}
	if !strings.HasPrefix(string(head), p.commit) {
		return nil, fmt.Errorf("%s is at %.12s, not at %s", dir, head, p.commit)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil && p.setup != "" {
		cmd := exec.Command("sh", "-c", p.setup)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s: %v\n%s", p.setup, err, out)
		}
	}
	var stdout, stderr bytes.Buffer
	code := vet.Run([]string{"-C", dir, "-json", "-only", "checkthenact", "./..."}, &stdout, &stderr)
	if code == report.ExitBroken && stdout.Len() == 0 {
		return nil, fmt.Errorf("racecheck vet failed:\n%s", stderr.String())
	}
	if code == report.ExitBroken {
		fmt.Fprintf(os.Stderr, "vetcorpus: %s: some packages were not analyzed:\n%s", p.repo, stderr.String())
	}
	return parseFindings(dir, stdout.Bytes())
}

// parseFindings reads racecheck vet -json's output (go vet -json's shape:
// package → analyzer → diagnostics), made in dir.
func parseFindings(dir string, out []byte) ([]finding, error) {
	var tree map[string]map[string][]struct {
		Category string `json:"category"`
		Posn     string `json:"posn"`
		Message  string `json:"message"`
	}
	if err := json.Unmarshal(out, &tree); err != nil {
		return nil, fmt.Errorf("reading racecheck vet -json: %w", err)
	}
	var fs []finding
	for _, byAnalyzer := range tree {
		for _, d := range byAnalyzer["checkthenact"] {
			at, err := fileLine(dir, d.Posn)
			if err != nil {
				return nil, err
			}
			fs = append(fs, finding{at: at, rule: d.Category, message: d.Message})
		}
	}
	slices.SortFunc(fs, func(a, b finding) int { return cmp.Compare(a.at, b.at) })
	return fs, nil
}

// fileLine turns "dir/path/file.go:12:3" into "path/file.go:12".
func fileLine(dir, posn string) (string, error) {
	i := strings.LastIndexByte(posn, ':')
	j := -1
	if i > 0 {
		j = strings.LastIndexByte(posn[:i], ':')
	}
	if j < 0 {
		return "", fmt.Errorf("position %q is not file:line:column", posn)
	}
	if _, err := strconv.Atoi(posn[j+1 : i]); err != nil {
		return "", fmt.Errorf("position %q is not file:line:column", posn)
	}
	rel, err := filepath.Rel(dir, posn[:j])
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel) + posn[j:i], nil
}

// tally counts findings by verdict; unjudged ones are those no verdict
// covers.
type tally struct {
	findings, unjudged int
	by                 map[string]int // verdict → findings
}

func (t *tally) add(judged string) {
	if t.by == nil {
		t.by = map[string]int{}
	}
	t.findings++
	if judged == "" {
		t.unjudged++
		return
	}
	t.by[judged]++
}

// merge adds o's counts to t's.
func (t *tally) merge(o tally) {
	if t.by == nil {
		t.by = map[string]int{}
	}
	t.findings += o.findings
	t.unjudged += o.unjudged
	for v, n := range o.by {
		t.by[v] += n
	}
}

// precision is true findings over judged ones, as a percentage.
func (t tally) precision() string {
	judged := t.findings - t.unjudged
	if judged == 0 {
		return "–"
	}
	return fmt.Sprintf("%d %%", (200*t.by["true"]+judged)/(2*judged))
}

// inSample is the group of projects the rules were written from.
const inSample = "29"

// writeReport prints the counts per project and per rule, the findings to judge
// and the verdicts no finding matches.
func writeReport(w io.Writer, rs []result, verdicts map[[2]string]verdict) {
	fmt.Fprintln(w, "| group | project | commit | findings | true | debatable | false | to judge | gone |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|")
	rules := map[string]*[2]tally{} // rule → in sample, elsewhere
	var toJudge, gone, skipped []string
	byRepo := map[string][]verdict{}
	for _, v := range verdicts {
		byRepo[v.repo] = append(byRepo[v.repo], v)
	}
	for _, vs := range byRepo {
		slices.SortFunc(vs, func(a, b verdict) int { return cmp.Compare(a.at, b.at) })
	}
	for _, r := range rs {
		if r.err != nil {
			skipped = append(skipped, fmt.Sprintf("- %s (%s): %v", r.repo, r.group, r.err))
			continue
		}
		var t tally
		seen := map[string]bool{}
		for _, f := range r.findings {
			v := verdicts[[2]string{r.repo, f.at}]
			seen[f.at] = true
			t.add(v.judged)
			if rules[f.rule] == nil {
				rules[f.rule] = new([2]tally)
			}
			side := 1
			if r.group == inSample {
				side = 0
			}
			rules[f.rule][side].add(v.judged)
			if v.judged == "" {
				toJudge = append(toJudge, fmt.Sprintf("- %s `%s` [%s]: %s", r.repo, f.at, f.rule, f.message))
			}
		}
		n := 0
		for _, v := range byRepo[r.repo] {
			if !seen[v.at] {
				gone = append(gone, fmt.Sprintf("- %s `%s` (%s: %s)", v.repo, v.at, v.judged, v.reason))
				n++
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %d | %d | %d | %d |\n", r.group, r.repo, r.commit, t.findings, t.by["true"], t.by["debatable"], t.by["false"], t.unjudged, n)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| rule | in group %s: findings | true | precision | elsewhere: findings | true | debatable | false | to judge | precision |\n", inSample)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var sum [2]tally
	for _, name := range slices.Sorted(maps.Keys(rules)) {
		in, out := rules[name][0], rules[name][1]
		fmt.Fprintf(w, "| %s | %d | %d | %s | %d | %d | %d | %d | %d | %s |\n", name, in.findings, in.by["true"], in.precision(), out.findings, out.by["true"], out.by["debatable"], out.by["false"], out.unjudged, out.precision())
		sum[0].merge(in)
		sum[1].merge(out)
	}
	fmt.Fprintf(w, "| **total** | %d | %d | %s | %d | %d | %d | %d | %d | %s |\n", sum[0].findings, sum[0].by["true"], sum[0].precision(), sum[1].findings, sum[1].by["true"], sum[1].by["debatable"], sum[1].by["false"], sum[1].unjudged, sum[1].precision())
	for _, part := range []struct {
		title string
		lines []string
	}{
		{"To judge (no verdict covers these findings)", toJudge},
		{"Gone (judged findings no longer reported)", gone},
		{"Not measured", skipped},
	} {
		if len(part.lines) > 0 {
			fmt.Fprintf(w, "\n%s:\n\n%s\n", part.title, strings.Join(part.lines, "\n"))
		}
	}
}
