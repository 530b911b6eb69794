package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// JUnitSuites is the <testsuites> root of a JUnit XML file, in the shape
// GitLab and Jenkins read.
type JUnitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one package.
type JUnitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []JUnitCase `xml:"testcase"`
}

// JUnitCase is one test, fuzz target or finding.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *JUnitProblem `xml:"failure,omitempty"`
	Error     *JUnitProblem `xml:"error,omitempty"`
	Skipped   *JUnitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// JUnitProblem is a failure, error or skip with its text.
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func secs(d Seconds) string { return fmt.Sprintf("%.3f", time.Duration(d).Seconds()) }

// JUnit converts the report, one testsuite per package. Passing and
// skipped tests and fuzz targets that did not fail are testcases without a
// failure; every finding is one testcase with one <failure> (an <error> for
// build and tool failures), named after its test when it has one. Failing
// tests and fuzz targets appear only through their findings, so the
// failure count is the number of findings.
func JUnit(r *Report) JUnitSuites {
	suites := map[string]*JUnitSuite{}
	suite := func(name string) *JUnitSuite {
		if name == "" {
			name = "racecheck"
		}
		s := suites[name]
		if s == nil {
			s = &JUnitSuite{Name: name}
			suites[name] = s
		}
		return s
	}
	for _, t := range r.Tests {
		if t.Status == TestFail {
			continue
		}
		c := JUnitCase{Name: t.Name, Classname: t.Package, Time: secs(t.Duration), SystemOut: t.Note}
		if t.Status == TestSkip {
			c.Skipped = &JUnitProblem{Message: "skipped"}
		}
		s := suite(t.Package)
		s.Cases = append(s.Cases, c)
	}
	for _, f := range r.Fuzz {
		if f.Status == FuzzCrash || f.Status == FuzzFailed {
			continue
		}
		c := JUnitCase{Name: "fuzz:" + f.Target, Classname: f.Package, Time: secs(f.Duration),
			SystemOut: fmt.Sprintf("%s: %d execs, %d new corpus entries", f.Status, f.Execs, f.NewCorpus)}
		if f.Status != FuzzOK {
			c.Skipped = &JUnitProblem{Message: string(f.Status) + ": " + f.Reason}
		}
		s := suite(f.Package)
		s.Cases = append(s.Cases, c)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		name := f.Test
		if name == "" {
			name = f.Kind.Title()
		}
		pkg := f.Package
		if pkg == "" {
			pkg = f.Module
		}
		s := suite(pkg)
		for _, c := range s.Cases {
			if c.Name == name {
				name += fmt.Sprintf(" [%s at %s]", f.Kind, f.Location)
				break
			}
		}
		c := JUnitCase{Name: name, Classname: pkg, Time: "0.000"}
		c.File, _ = r.Path(f.Location)
		if c.File != "" {
			c.Line = f.Location.Line
		}
		p := &JUnitProblem{Message: f.Message, Type: string(f.Kind), Body: findingBody(r, f)}
		if f.Kind.ExitCode() == ExitBroken {
			c.Error = p
		} else {
			c.Failure = p
		}
		s.Cases = append(s.Cases, c)
	}
	names := make([]string, 0, len(suites))
	for n := range suites {
		names = append(names, n)
	}
	sort.Strings(names)
	out := JUnitSuites{Name: "racecheck", Time: secs(r.Duration), Suites: []JUnitSuite{}}
	for _, n := range names {
		s := suites[n]
		var total time.Duration
		for _, c := range s.Cases {
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
			var f float64
			fmt.Sscan(c.Time, &f)
			total += time.Duration(f * float64(time.Second))
		}
		s.Time = secs(Seconds(total))
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, *s)
	}
	return out
}

// findingBody is the long text of a finding for JUnit and annotations:
// location, rerun command, tests that never ran, and the output.
func findingBody(r *Report, f *Finding) string {
	var b strings.Builder
	where := f.Location.String()
	if p, ok := r.Path(f.Location); ok {
		where = Location{File: p, Line: f.Location.Line}.String()
	}
	fmt.Fprintf(&b, "%s at %s", f.Title(), where)
	if f.Count > 1 {
		fmt.Fprintf(&b, " (seen %d×)", f.Count)
	}
	fmt.Fprintf(&b, "\n%s\n", f.Message)
	if f.Crasher != "" {
		fmt.Fprintf(&b, "failing input: %s\n", f.Crasher)
	}
	if len(f.NotRun) > 0 {
		fmt.Fprintf(&b, "never ran: %s\n", strings.Join(f.NotRun, ", "))
	}
	for _, line := range detailLines(r, f) {
		fmt.Fprintf(&b, "%s\n", line)
	}
	fmt.Fprintf(&b, "rerun: %s\n", f.Reproduce)
	switch {
	case f.Race != nil:
		fmt.Fprintf(&b, "\n%s", f.Race.Text)
	case f.Output != "":
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(f.Output, "\n"))
	}
	return b.String()
}

// WriteJUnit writes the report as JUnit XML.
func WriteJUnit(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(JUnit(r)); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
