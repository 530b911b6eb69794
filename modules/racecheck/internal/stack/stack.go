// Package stack parses the goroutine stacks the Go runtime prints: in a
// panic, in a test binary's timeout panic, on SIGQUIT, in "all goroutines
// are asleep - deadlock!" and in runtime/debug.Stack output, indented or not.
package stack

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Frame is one function call of a stack.
type Frame struct {
	// Function is the function as the runtime names it, without arguments:
	// "example.com/m/p.(*T).Run.func1".
	Function string
	// File is the file as printed: absolute, or "?" when unknown.
	File string
	Line int
}

// Goroutine is one goroutine of a dump.
type Goroutine struct {
	ID int
	// State is the goroutine's status or wait reason without the extra
	// annotations: "running", "chan receive", "select", "sync.Mutex.Lock",
	// "sync.WaitGroup.Wait", "semacquire", …
	State string
	// Wait is how long the goroutine had been blocked, as the runtime
	// rounds it (whole minutes; 0 below one minute or when not blocked).
	Wait time.Duration
	// Leaked is set for goroutines the garbage collector found blocked
	// forever ("[chan send (leaked)]", in a goroutineleak profile).
	Leaked bool
	// Frames are innermost first.
	Frames []Frame
	// CreatedBy is the go statement that started the goroutine; its
	// Function is empty for the main goroutine.
	CreatedBy Frame
	// Parent is the id of the goroutine that ran that go statement (0 when
	// the runtime did not say).
	Parent int
	// Ancestors are the stacks of the goroutines that started this one, at
	// the time they started it, innermost ancestor first; the runtime
	// prints them with GODEBUG=tracebackancestors=N.
	Ancestors [][]Frame
}

var (
	headerRE    = regexp.MustCompile(`^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]:$`)
	fileLineRE  = regexp.MustCompile(`^(.*?):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?$`)
	createdByRE = regexp.MustCompile(`^created by (\S+)(?: in goroutine (\d+))?$`)
	ancestorRE  = regexp.MustCompile(`^\[originating from goroutine \d+\]:$`)
	minutesRE   = regexp.MustCompile(`^(\d+) minutes$`)
)

// Parse returns every goroutine dumped in text, in order. Lines that are not
// part of a dump are ignored, so whole test output can be passed.
func Parse(text string) []Goroutine {
	var (
		out     []Goroutine
		cur     *Goroutine
		pending string // function line waiting for its file:line
		created bool   // pending is a "created by" line
		// frames receives the frames being read: the goroutine's own,
		// then each ancestor's.
		frames *[]Frame
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for raw := range strings.SplitSeq(text, "\n") {
		line := strings.TrimSpace(strings.TrimRight(raw, "\r"))
		if m := headerRE.FindStringSubmatch(line); m != nil {
			flush()
			id, _ := strconv.Atoi(m[1])
			g := Goroutine{ID: id}
			g.State, g.Wait = parseStatus(m[2])
			g.State, g.Leaked = strings.CutSuffix(g.State, " (leaked)")
			cur, pending, created = &g, "", false
			frames = &cur.Frames
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case line == "":
			flush()
		case pending != "":
			m := fileLineRE.FindStringSubmatch(line)
			if m == nil {
				pending, created = "", false
				continue
			}
			n, _ := strconv.Atoi(m[2])
			f := Frame{Function: pending, File: m[1], Line: n}
			switch {
			case created && frames == &cur.Frames:
				cur.CreatedBy = f
			case !created:
				*frames = append(*frames, f)
			}
			pending, created = "", false
		case ancestorRE.MatchString(line):
			cur.Ancestors = append(cur.Ancestors, nil)
			frames = &cur.Ancestors[len(cur.Ancestors)-1]
		case strings.HasPrefix(line, "created by "):
			if m := createdByRE.FindStringSubmatch(line); m != nil {
				pending, created = m[1], true
				if frames == &cur.Frames {
					cur.Parent, _ = strconv.Atoi(m[2])
				}
			}
		case strings.HasPrefix(line, "..."):
			// "...additional frames elided..."
		case strings.HasSuffix(line, ")"):
			pending = funcName(line)
		}
	}
	flush()
	return out
}

// parseStatus splits "chan receive, 2 minutes, locked to thread".
func parseStatus(s string) (string, time.Duration) {
	parts := strings.Split(s, ", ")
	var wait time.Duration
	for _, p := range parts[1:] {
		if m := minutesRE.FindStringSubmatch(p); m != nil {
			n, _ := strconv.Atoi(m[1])
			wait = time.Duration(n) * time.Minute
		}
	}
	return parts[0], wait
}

// funcName strips the argument list: "testing.tRunner(0xc0, 0x5)" gives
// "testing.tRunner"; "panic({0x1?, 0x2?})" gives "panic".
func funcName(s string) string {
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return s[:i]
			}
		}
	}
	return s
}

// PanicMessage returns the value of the first "panic: " line of text
// (without "panic: " and without the " [recovered]" annotations), and
// whether there is one.
func PanicMessage(text string) (string, bool) {
	for raw := range strings.SplitSeq(text, "\n") {
		line := strings.TrimSpace(raw)
		if msg, ok := strings.CutPrefix(line, "panic: "); ok {
			for _, suffix := range []string{" [recovered, repanicked]", " [recovered]"} {
				msg = strings.TrimSuffix(msg, suffix)
			}
			return msg, true
		}
		if strings.HasPrefix(line, "fatal error: ") {
			return line, true
		}
	}
	return "", false
}

// Package returns the import path of a runtime function name:
// "example.com/m/p.(*T).Run.func1" gives "example.com/m/p". The suffix
// "_test" of an external test package is kept.
func Package(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return fn[:slash+1+dot]
}

// Test returns the test, fuzz target, benchmark or example function that a
// runtime function name belongs to, and that function's package without
// the "_test" suffix of an external test package:
// "example.com/m/p_test.TestFoo.func1.2" gives "example.com/m/p" and
// "TestFoo". name is "" for other functions (TestMain among them) and for
// those of package testing and the packages under it (synctest.Test,
// fstest.TestFS and slogtest.TestHandler are helpers a test calls).
func Test(fn string) (pkg, name string) {
	p := Package(fn)
	if p == "" || p == "testing" || strings.HasPrefix(p, "testing/") || p == "main" {
		return "", ""
	}
	sym := fn[len(p)+1:]
	first, _, _ := strings.Cut(sym, ".")
	if first == "TestMain" {
		return "", ""
	}
	for _, prefix := range []string{"Test", "Fuzz", "Benchmark", "Example"} {
		rest, ok := strings.CutPrefix(first, prefix)
		if !ok {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || !unicode.IsLower(r) {
			return strings.TrimSuffix(p, "_test"), first
		}
	}
	return "", ""
}
