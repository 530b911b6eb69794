package benchreport

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Sample is one result line of `go test -bench` output.
type Sample struct {
	// Pkg is the import path from the most recent "pkg:" line.
	Pkg string
	// Name is the benchmark name without the trailing -GOMAXPROCS suffix.
	Name string
	// Procs is the GOMAXPROCS the benchmark ran with (1 when the suffix is absent).
	Procs int
	// Iters is the iteration count b.N.
	Iters int
	// Values maps a unit ("ns/op", "B/op", "allocs/op", "hit%", ...) to its value.
	Values map[string]float64
}

// Raw is the parsed content of one or more raw benchmark output files.
type Raw struct {
	// Config holds the first value seen for each "key: value" configuration line
	// (goos, goarch, cpu, and the keys the runner writes: goversion, date, ...).
	Config map[string]string
	// Samples are the result lines in input order.
	Samples []Sample
}

// Parse reads raw `go test -bench` output in the Go benchmark format
// (https://go.googlesource.com/proposal/+/master/design/14313-benchmark-format.md)
// and appends it to raw. Lines that are neither configuration nor results
// (PASS, ok, log output) are ignored. A malformed result line is an error
// naming the line number.
func (raw *Raw) Parse(r io.Reader) error {
	if raw.Config == nil {
		raw.Config = map[string]string{}
	}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if strings.HasPrefix(line, "Benchmark") {
			s, ok, err := parseResult(line)
			if err != nil {
				return fmt.Errorf("benchreport: line %d: %w", lineNo, err)
			}
			if ok {
				s.Pkg = pkg
				raw.Samples = append(raw.Samples, s)
			}
			continue
		}
		key, value, ok := parseConfig(line)
		if !ok {
			continue
		}
		if key == "pkg" {
			pkg = value
			continue
		}
		if _, seen := raw.Config[key]; !seen {
			raw.Config[key] = value
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("benchreport: reading input: %w", err)
	}
	return nil
}

// parseConfig recognises "key: value" where key starts with a lower-case
// letter and has no spaces, as the benchmark format defines.
func parseConfig(line string) (key, value string, ok bool) {
	i := strings.Index(line, ":")
	if i <= 0 {
		return "", "", false
	}
	key = line[:i]
	if key[0] < 'a' || key[0] > 'z' || strings.ContainsAny(key, " \t") {
		return "", "", false
	}
	return key, strings.TrimSpace(line[i+1:]), true
}

// parseResult parses "BenchmarkX/a=b-4  1000  12.5 ns/op  0 B/op ...".
// ok is false for lines that start with Benchmark but are not results
// (for example a benchmark name printed alone by -v).
func parseResult(line string) (s Sample, ok bool, err error) {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return s, false, nil
	}
	iters, convErr := strconv.Atoi(fields[1])
	if convErr != nil {
		return s, false, nil
	}
	if (len(fields)-2)%2 != 0 {
		return s, false, fmt.Errorf("result %q: odd number of value/unit fields", fields[0])
	}
	s.Name, s.Procs = splitProcs(fields[0])
	s.Iters = iters
	s.Values = make(map[string]float64, (len(fields)-2)/2)
	for i := 2; i < len(fields); i += 2 {
		v, perr := strconv.ParseFloat(fields[i], 64)
		if perr != nil {
			return s, false, fmt.Errorf("result %q: value %q: %w", fields[0], fields[i], perr)
		}
		s.Values[fields[i+1]] = v
	}
	return s, true, nil
}

// splitProcs removes the "-N" GOMAXPROCS suffix that go test appends when N != 1.
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name, 1
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n <= 0 {
		return name, 1
	}
	return name[:i], n
}
