// Package racereport parses the data race reports printed by the Go race
// detector (runtime/race, ThreadSanitizer) and turns each into a
// report.Finding: located, attributed to a test by its stack frames, and
// fingerprinted by the pair of source lines that race.
//
// It understands the current format ("Read at 0x… by goroutine 7:") and the
// format of Go releases before 1.4 ("Read by goroutine 7:", closures named
// "func·001", no blank line between sections), with stacks the runtime could
// not restore, and with arbitrary text between reports.
package racereport

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/stack"
)

// Race is one parsed race report, with file paths as the runtime printed them.
type Race struct {
	Accesses   []Access
	Goroutines []Goroutine
	// Text is the report as printed, from the first to the last separator.
	Text string
}

// Access is one of the conflicting accesses.
type Access struct {
	Op        string // "read" or "write"
	Atomic    bool
	Previous  bool
	Goroutine int // 1 for the main goroutine, 0 if unknown
	Frames    []stack.Frame
	StackLost bool
}

// Goroutine is the creation stack of a goroutine involved in the race.
type Goroutine struct {
	ID     int
	State  string
	Frames []stack.Frame
}

var (
	accessRE    = regexp.MustCompile(`(?i)^(previous )?(atomic )?(read|write)(?: of size \d+)?(?: at 0x[0-9a-f]+)? by (?:goroutine (\d+)|(main goroutine)|thread t\d+):$`)
	goroutineRE = regexp.MustCompile(`^Goroutine (\d+) \((\w+)\) created at:$`)
	fileLineRE  = regexp.MustCompile(`^(.+):(\d+)(?: \+0x[0-9a-f]+)?$`)
)

const (
	header    = "WARNING: DATA RACE"
	separator = "=================="
)

// Parse reads race reports from r, in the order they were printed. Text
// outside reports is ignored.
func Parse(r io.Reader) ([]Race, error) {
	var (
		races   []Race
		cur     *Race
		text    strings.Builder
		frames  *[]stack.Frame
		pending string
	)
	finish := func() {
		if cur == nil {
			return
		}
		cur.Text = text.String()
		races = append(races, *cur)
		cur, frames, pending = nil, nil, ""
		text.Reset()
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(line)
		if t == header {
			finish()
			cur = &Race{}
			text.WriteString(separator + "\n" + header + "\n")
			continue
		}
		if cur == nil {
			continue
		}
		if strings.HasPrefix(t, separator) {
			text.WriteString(separator + "\n")
			finish()
			continue
		}
		text.WriteString(line + "\n")
		switch {
		case t == "":
			pending = ""
		case accessRE.MatchString(t):
			m := accessRE.FindStringSubmatch(t)
			a := Access{Op: strings.ToLower(m[3]), Atomic: m[2] != "", Previous: m[1] != ""}
			switch {
			case m[4] != "":
				a.Goroutine, _ = strconv.Atoi(m[4])
			case m[5] != "":
				a.Goroutine = 1
			}
			cur.Accesses = append(cur.Accesses, a)
			frames, pending = &cur.Accesses[len(cur.Accesses)-1].Frames, ""
		case goroutineRE.MatchString(t):
			m := goroutineRE.FindStringSubmatch(t)
			id, _ := strconv.Atoi(m[1])
			cur.Goroutines = append(cur.Goroutines, Goroutine{ID: id, State: m[2]})
			frames, pending = &cur.Goroutines[len(cur.Goroutines)-1].Frames, ""
		case t == "[failed to restore the stack]":
			if n := len(cur.Accesses); n > 0 && frames == &cur.Accesses[n-1].Frames {
				cur.Accesses[n-1].StackLost = true
			}
		case frames == nil:
		case pending != "" && fileLineRE.MatchString(t):
			m := fileLineRE.FindStringSubmatch(t)
			n, _ := strconv.Atoi(m[2])
			*frames = append(*frames, stack.Frame{Function: pending, File: m[1], Line: n})
			pending = ""
		case strings.HasSuffix(t, ")"):
			pending = funcName(t)
		default:
			pending = ""
		}
	}
	if err := sc.Err(); err != nil {
		return races, err
	}
	finish()
	return races, nil
}

// funcName strips the argument list the runtime prints after a function:
// "testing.(*T).Run()" becomes "testing.(*T).Run".
func funcName(s string) string {
	if i := strings.LastIndexByte(s, '('); i > 0 {
		return s[:i]
	}
	return s
}
