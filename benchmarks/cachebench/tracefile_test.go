package cachebench

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRealTracesDecode(t *testing.T) {
	want := map[string][2]int{"oltp": {914_145, 186_880}, "glimpse": {6_015, 2_529}}
	for _, tr := range RealTraces {
		keys, err := tr.Keys()
		require.NoError(t, err, tr.Name)
		distinct := map[uint64]struct{}{}
		for _, k := range keys {
			distinct[k] = struct{}{}
		}
		assert.Equal(t, want[tr.Name], [2]int{len(keys), len(distinct)}, tr.Name)
	}
}

func TestReadTraceFormats(t *testing.T) {
	be64 := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, 7), 1<<40)
	be32 := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 9), 0xffffffff)
	for _, tc := range []struct {
		format TraceFormat
		in     []byte
		want   []uint64
	}{
		{FormatARC, []byte("10 3 0 0\n\n5 1 0 1\n"), []uint64{10, 11, 12, 5}},
		{FormatLIRS, []byte("3\n*\n\n4\n 5 \n"), []uint64{3, 4, 5}},
		{FormatUint64BE, be64, []uint64{7, 1 << 40}},
		{FormatUint32BE, be32, []uint64{9, 0xffffffff}},
		{FormatAddress, []byte("r 0x1f 3\nw 0xA0\n"), []uint64{0x1f, 0xa0}},
	} {
		keys, err := ReadTrace(bytes.NewReader(tc.in), tc.format)
		require.NoError(t, err, tc.format)
		assert.Equal(t, tc.want, keys, tc.format)

		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		_, _ = zw.Write(tc.in)
		require.NoError(t, zw.Close())
		keys, err = ReadTrace(&zipped, tc.format)
		require.NoError(t, err, tc.format)
		assert.Equal(t, tc.want, keys, "gzipped %s", tc.format)
	}
}

func TestReadTraceRejectsMalformedInput(t *testing.T) {
	for _, tc := range []struct {
		format TraceFormat
		in     string
	}{
		{FormatARC, "10\n"},
		{FormatARC, "x 1 0 0\n"},
		{FormatLIRS, "1\nabc\n"},
		{FormatAddress, "r zz\n"},
		{FormatUint64BE, "1234"},
	} {
		_, err := ReadTrace(bytes.NewReader([]byte(tc.in)), tc.format)
		assert.Error(t, err, "%s %q", tc.format, tc.in)
	}
	_, err := ParseTraceFormat("csv")
	assert.Error(t, err)
}

func TestOptimalHitRatio(t *testing.T) {
	// Capacity 2 on 1 2 3 1 2 3: Belady evicts 2 (used last) when 3 arrives,
	// hits 1, evicts 1 (never used again) when 2 arrives, hits 3.
	assert.InDelta(t, 100*2.0/6, OptimalHitRatio([]uint64{1, 2, 3, 1, 2, 3}, 2), 1e-9)
	assert.InDelta(t, 50.0, OptimalHitRatio([]uint64{1, 1, 2, 2}, 1), 1e-9)
	assert.Zero(t, OptimalHitRatio(nil, 4))
}

func TestOptimalBoundsEveryCache(t *testing.T) {
	keys, err := RealTraces[1].Keys() // glimpse: 6,015 requests
	require.NoError(t, err)
	for _, capacity := range []int{250, 1000} {
		opt := OptimalHitRatio(keys, capacity)
		for _, impl := range Impls {
			assert.LessOrEqual(t, ReplayNew(impl, capacity, keys), opt+1e-9, "%s at %d", impl.Name, capacity)
		}
	}
}
