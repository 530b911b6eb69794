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

// JUnitCase is one test, fuzz target, or package-level problem.
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

// JUnit converts the report: one testcase per test and per fuzz target,
// grouped in one testsuite per package. Races are failures of the test they
// are attributed to, with the race report in the body; races attributed to
// no test, build failures and other errors get a testcase of their own.
func JUnit(r *Report) JUnitSuites {
	suites := map[string]*JUnitSuite{}
	suite := func(pkg string) *JUnitSuite {
		if pkg == "" {
			pkg = "racecheck"
		}
		s := suites[pkg]
		if s == nil {
			s = &JUnitSuite{Name: pkg}
			suites[pkg] = s
		}
		return s
	}
	racesOf := map[[2]string][]Race{}
	for _, rc := range r.Races {
		if rc.Test != "" && rc.Source == "test" {
			k := [2]string{rc.Package, rc.Test}
			racesOf[k] = append(racesOf[k], rc)
			continue
		}
		if rc.Source == "fuzz" && rc.Test != "" {
			k := [2]string{rc.Package, "fuzz:" + rc.Test}
			racesOf[k] = append(racesOf[k], rc)
			continue
		}
		s := suite(rc.Package)
		s.Cases = append(s.Cases, JUnitCase{
			Name: "data race at " + rc.Location.File + ":" + fmt.Sprint(rc.Location.Line), Classname: rc.Package, Time: "0.000",
			File: rc.Location.File, Line: rc.Location.Line,
			Failure: &JUnitProblem{Message: raceMessage(rc), Type: "race", Body: rc.Text},
		})
	}
	for _, t := range r.Tests {
		s := suite(t.Package)
		c := JUnitCase{Name: t.Name, Classname: t.Package, Time: secs(t.Duration)}
		switch t.Status {
		case StatusSkip:
			c.Skipped = &JUnitProblem{Message: "skipped"}
		case StatusFail:
			c.Failure = &JUnitProblem{Message: "test failed", Type: "fail", Body: t.Output}
		}
		if t.Note != "" {
			c.SystemOut = t.Note
		}
		if rs := racesOf[[2]string{t.Package, t.Name}]; len(rs) > 0 {
			c.Failure = &JUnitProblem{Message: raceMessage(rs[0]), Type: "race", Body: raceBodies(rs) + t.Output}
			c.File, c.Line = rs[0].Location.File, rs[0].Location.Line
		}
		s.Cases = append(s.Cases, c)
	}
	for _, f := range r.Fuzz {
		s := suite(f.Package)
		c := JUnitCase{Name: "fuzz:" + f.Target, Classname: f.Package, Time: secs(f.Duration)}
		switch f.Status {
		case StatusSkip:
			c.Skipped = &JUnitProblem{Message: f.Message}
		case StatusFail:
			msg := f.Message
			if f.Crasher != "" {
				msg += " (crasher " + f.Crasher + ")"
			}
			c.Failure = &JUnitProblem{Message: msg, Type: "fuzz", Body: f.Output}
			if rs := racesOf[[2]string{f.Package, "fuzz:" + f.Target}]; len(rs) > 0 {
				c.Failure.Type = "race"
				c.Failure.Body = raceBodies(rs) + f.Output
			}
			if f.Location != nil {
				c.File, c.Line = f.Location.File, f.Location.Line
			}
		}
		s.Cases = append(s.Cases, c)
	}
	for _, e := range r.Errors {
		s := suite(e.Package)
		name := e.Kind
		if e.Test != "" {
			name += ":" + e.Test
		}
		s.Cases = append(s.Cases, JUnitCase{Name: name, Classname: s.Name, Time: "0.000",
			Error: &JUnitProblem{Message: e.Message, Type: e.Kind, Body: e.Output}})
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
		out.Suites = append(out.Suites, *s)
	}
	return out
}

func raceBodies(rs []Race) string {
	var b strings.Builder
	for _, rc := range rs {
		fmt.Fprintf(&b, "%s (seen %d times)\n%s\n", raceMessage(rc), rc.Count, rc.Text)
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

// raceMessage is a one-line description of a race.
func raceMessage(rc Race) string {
	var parts []string
	for _, a := range rc.Accesses {
		op := a.Op
		if a.Atomic {
			op = "atomic " + op
		}
		where := "unknown location"
		if len(a.Frames) > 0 {
			f := a.Frames[0]
			where = fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line)
		}
		parts = append(parts, op+" in "+where)
	}
	msg := "data race: " + strings.Join(parts, " vs previous ")
	if rc.Test != "" {
		msg += " [" + rc.Test + "]"
	}
	return msg
}
