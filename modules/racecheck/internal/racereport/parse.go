// Package racereport parses the data race reports printed by the Go race
// detector (runtime/race, ThreadSanitizer) into report.Race records.
//
// It understands the current format ("Read at 0x… by goroutine 7:") and the
// format of Go releases before 1.4 ("Read by goroutine 7:", closures named
// "func·001", no blank line between sections), with stacks the runtime could
// not restore, and with arbitrary text between reports.
package racereport

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

var (
	accessRE    = regexp.MustCompile(`(?i)^(previous )?(atomic )?(read|write)(?: of size \d+)?(?: at (0x[0-9a-f]+))? by (?:goroutine (\d+)|(main goroutine)|thread t\d+):$`)
	goroutineRE = regexp.MustCompile(`^Goroutine (\d+) \((\w+)\) created at:$`)
	fileLineRE  = regexp.MustCompile(`^(.+):(\d+)(?: \+0x[0-9a-f]+)?$`)
)

const (
	header    = "WARNING: DATA RACE"
	separator = "=================="
)

// Parse reads race reports from r. Text outside reports is ignored. The
// returned races are in the order they were printed, one per report, with
// Count 1 and Fingerprint set; Module, Package, Test and Location are left
// for Attribute.
func Parse(r io.Reader) ([]report.Race, error) {
	var (
		races   []report.Race
		cur     *report.Race
		text    strings.Builder
		frames  *[]report.Frame
		pending string
	)
	finish := func() {
		if cur == nil {
			return
		}
		cur.Text = text.String()
		cur.Count = 1
		cur.Fingerprint = Fingerprint(*cur)
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
			cur = &report.Race{Accesses: []report.Access{}, Goroutines: []report.Goroutine{}}
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
			a := report.Access{
				Op:       strings.ToLower(m[3]),
				Atomic:   m[2] != "",
				Previous: m[1] != "",
				Address:  m[4],
				Frames:   []report.Frame{},
			}
			switch {
			case m[5] != "":
				a.Goroutine, _ = strconv.Atoi(m[5])
			case m[6] != "":
				a.Goroutine = 1
			}
			cur.Accesses = append(cur.Accesses, a)
			frames, pending = &cur.Accesses[len(cur.Accesses)-1].Frames, ""
		case goroutineRE.MatchString(t):
			m := goroutineRE.FindStringSubmatch(t)
			id, _ := strconv.Atoi(m[1])
			cur.Goroutines = append(cur.Goroutines, report.Goroutine{ID: id, State: m[2], Frames: []report.Frame{}})
			frames, pending = &cur.Goroutines[len(cur.Goroutines)-1].Frames, ""
		case t == "[failed to restore the stack]":
			if n := len(cur.Accesses); n > 0 && frames == &cur.Accesses[n-1].Frames {
				cur.Accesses[n-1].StackLost = true
			}
		case frames == nil:
		case pending != "" && fileLineRE.MatchString(t):
			m := fileLineRE.FindStringSubmatch(t)
			n, _ := strconv.Atoi(m[2])
			*frames = append(*frames, report.Frame{Function: pending, File: m[1], Line: n})
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

// Fingerprint identifies a race by the functions, files and lines of its
// accesses, ignoring goroutine ids, addresses, and which access came first.
func Fingerprint(r report.Race) string {
	sigs := make([]string, 0, len(r.Accesses))
	for _, a := range r.Accesses {
		var b strings.Builder
		b.WriteString(a.Op)
		if a.Atomic {
			b.WriteString("/atomic")
		}
		for _, f := range a.Frames {
			b.WriteString("|" + f.Function + "@" + f.File + ":" + strconv.Itoa(f.Line))
		}
		sigs = append(sigs, b.String())
	}
	sort.Strings(sigs)
	sum := sha256.Sum256([]byte(strings.Join(sigs, "\n")))
	return hex.EncodeToString(sum[:8])
}

// Dedupe merges races with the same fingerprint, summing their counts and
// keeping the first record of each. Order follows first occurrence.
func Dedupe(races []report.Race) []report.Race {
	idx := make(map[string]int, len(races))
	var out []report.Race
	for _, r := range races {
		if i, ok := idx[r.Fingerprint]; ok {
			out[i].Count += r.Count
			continue
		}
		idx[r.Fingerprint] = len(out)
		out = append(out, r)
	}
	return out
}
