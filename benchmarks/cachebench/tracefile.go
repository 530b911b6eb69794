package cachebench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// TraceFormat names the encoding of a trace file.
type TraceFormat string

// Trace file formats, as published with the traces and read by Caffeine's
// and otter's simulators.
const (
	// FormatARC is the ARC paper's text format: one line per run of
	// requests, "start count ignored ignored", standing for the keys start,
	// start+1, …, start+count-1.
	FormatARC TraceFormat = "arc"
	// FormatLIRS is the LIRS paper's text format: one integer key per line;
	// blank lines and lines holding "*" are skipped.
	FormatLIRS TraceFormat = "lirs"
	// FormatUint64BE is a sequence of big-endian 64-bit keys (Corda,
	// Scarab Research traces).
	FormatUint64BE TraceFormat = "u64be"
	// FormatUint32BE is a sequence of big-endian unsigned 32-bit keys
	// (cache2k, CloudPhysics traces).
	FormatUint32BE TraceFormat = "u32be"
	// FormatAddress is the UCSD program address trace format: lines
	// "<op> 0x<hex address> …", keyed by the address.
	FormatAddress TraceFormat = "address"
)

// ParseTraceFormat returns the TraceFormat named s.
func ParseTraceFormat(s string) (TraceFormat, error) {
	switch f := TraceFormat(s); f {
	case FormatARC, FormatLIRS, FormatUint64BE, FormatUint32BE, FormatAddress:
		return f, nil
	}
	return "", fmt.Errorf("cachebench: unknown trace format %q (want arc, lirs, u64be, u32be or address)", s)
}

// ReadTrace decodes the keys of a trace in format f from r, which may be
// gzip-compressed (detected by its magic number).
func ReadTrace(r io.Reader, f TraceFormat) ([]uint64, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("cachebench: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	switch f {
	case FormatUint64BE:
		return readBinary(br, 8, binary.BigEndian.Uint64)
	case FormatUint32BE:
		return readBinary(br, 4, func(b []byte) uint64 { return uint64(binary.BigEndian.Uint32(b)) })
	case FormatARC, FormatLIRS, FormatAddress:
		return readText(br, f)
	}
	return nil, fmt.Errorf("cachebench: unknown trace format %q", f)
}

func readBinary(r io.Reader, size int, decode func([]byte) uint64) ([]uint64, error) {
	var keys []uint64
	buf := make([]byte, size)
	for {
		_, err := io.ReadFull(r, buf)
		if errors.Is(err, io.EOF) {
			return keys, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cachebench: key %d: %w", len(keys), err)
		}
		keys = append(keys, decode(buf))
	}
}

func readText(r io.Reader, f TraceFormat) ([]uint64, error) {
	var keys []uint64
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || (f == FormatLIRS && text == "*") {
			continue
		}
		fields := strings.Fields(text)
		var err error
		switch f {
		case FormatLIRS:
			var k uint64
			k, err = strconv.ParseUint(fields[0], 10, 64)
			keys = append(keys, k)
		case FormatARC:
			if len(fields) < 2 {
				return nil, fmt.Errorf("cachebench: line %d: want \"start count …\", got %q", line, text)
			}
			var start, count uint64
			start, err = strconv.ParseUint(fields[0], 10, 64)
			if err == nil {
				count, err = strconv.ParseUint(fields[1], 10, 32)
			}
			for k := start; k < start+count; k++ {
				keys = append(keys, k)
			}
		case FormatAddress:
			if len(fields) < 2 {
				return nil, fmt.Errorf("cachebench: line %d: want \"op 0xaddress …\", got %q", line, text)
			}
			var k uint64
			k, err = strconv.ParseUint(strings.TrimPrefix(fields[1], "0x"), 16, 64)
			keys = append(keys, k)
		}
		if err != nil {
			return nil, fmt.Errorf("cachebench: line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cachebench: %w", err)
	}
	return keys, nil
}

// ReadTraceFile reads the trace at path in format f.
func ReadTraceFile(path string, f TraceFormat) ([]uint64, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cachebench: %w", err)
	}
	defer file.Close()
	keys, err := ReadTrace(file, f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return keys, nil
}

//go:embed testdata/*.gz
var traceFiles embed.FS

// RealTrace is a public trace of a real workload kept in testdata/.
type RealTrace struct {
	Name       string
	File       string // in testdata/
	Format     TraceFormat
	Capacities []int
	// Source says where the trace comes from (see testdata/README.md).
	Source string
}

// Keys decodes the trace.
func (t RealTrace) Keys() ([]uint64, error) {
	data, err := traceFiles.ReadFile("testdata/" + t.File)
	if err != nil {
		return nil, fmt.Errorf("cachebench: %w", err)
	}
	return ReadTrace(bytes.NewReader(data), t.Format)
}

// smallCapacities are the capacities the ARC and LIRS papers, Caffeine and
// otter replay the OLTP and glimpse traces at.
var smallCapacities = []int{250, 500, 750, 1000, 1250, 1500, 1750, 2000}

// RealTraces are the real-workload traces kept in this repository.
var RealTraces = []RealTrace{
	{
		Name: "oltp", File: "oltp.gz", Format: FormatARC, Capacities: smallCapacities,
		Source: "ARC paper (Megiddo & Modha, FAST 2003): page references of an OLTP (CODASYL) database over one hour",
	},
	{
		Name: "glimpse", File: "gli.gz", Format: FormatLIRS, Capacities: smallCapacities,
		Source: "LIRS paper (Jiang & Zhang, SIGMETRICS 2002): glimpse, a text information retrieval tool",
	},
}
