package benchreport

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func testChart() LineChart {
	ch := LineChart{
		Title:  "throughput: BenchmarkMapReadWrite/keys=int/reads=99/value=pointer/P=4/a-long-tail-that-cannot-fit-on-one-line",
		XLabel: "goroutines", YLabel: "throughput (Mops/s)", XTicks: []float64{1, 16, 1000000},
	}
	for i, name := range []string{"safemap.Map", "safemap.SyncMap", "sync.Map", "xsync.Map", "haxmap", "cmap",
		"RWMutexMap", "an-implementation-with-a-long-name", "ninth"} {
		ch.Series = append(ch.Series, Series{Name: name, Points: []Point{
			{X: 1, Y: 10 + float64(i), Lo: 9 + float64(i), Hi: 12 + float64(i)},
			{X: 16, Y: 20 + float64(i), Lo: math.Inf(-1), Hi: math.Inf(1)},
			{X: 1000000, Y: 5, Lo: 4, Hi: 6},
		}})
	}
	return ch
}

var svgText = regexp.MustCompile(`<text x="([-\d.e+]+)" y="[-\d.e+]+" transform="scale\(1, -1\)"\s*(?:style="[^"]*font-size:([\d.]+)px[^"]*")?[^>]*>([^<]*)</text>`)

// TestChartTextStaysOnTheCanvas measures every horizontal text element of a
// chart with a long title, long legend names and extreme x values, and
// checks it lies inside the canvas.
func TestChartTextStaysOnTheCanvas(t *testing.T) {
	svg, err := testChart().SVG()
	require.NoError(t, err)
	texts := svgText.FindAllStringSubmatch(string(svg), -1)
	require.NotEmpty(t, texts)
	f := plot.DefaultFont
	for _, m := range texts {
		x, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		size := 12.0
		if m[2] != "" {
			size, _ = strconv.ParseFloat(m[2], 64)
		}
		f.Size = vg.Points(size)
		w := fontWidth(f, m[3]).Points()
		assert.GreaterOrEqual(t, x, 0.0, "text %q starts left of the canvas", m[3])
		assert.LessOrEqual(t, x+w, chartWidth.Points()+0.5, "text %q (x=%.1f, width %.1f) ends right of the canvas", m[3], x, w)
	}
}

// TestLegendIsBesideTheData: every legend entry is drawn right of the data
// area, which ends at the x axis's last tick.
func TestLegendIsBesideTheData(t *testing.T) {
	ch := testChart()
	svg, err := ch.SVG()
	require.NoError(t, err)
	pos := map[string]float64{}
	for _, m := range svgText.FindAllStringSubmatch(string(svg), -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		pos[m[3]] = x
	}
	lastTick, ok := pos["1M"]
	require.True(t, ok, "the x axis labels the largest measured value")
	for _, s := range ch.Series {
		x, ok := pos[s.Name]
		require.True(t, ok, "legend entry %q", s.Name)
		assert.Greater(t, x, lastTick, "legend entry %q overlaps the data area", s.Name)
	}
}

func TestPaletteIsDistinct(t *testing.T) {
	// Every pair of colours differs clearly (sum of channel differences;
	// Okabe-Ito's orange and vermillion, the closest pair, differ by 82).
	for i, a := range Palette {
		for _, b := range Palette[i+1:] {
			d := math.Abs(float64(a.R)-float64(b.R)) + math.Abs(float64(a.G)-float64(b.G)) + math.Abs(float64(a.B)-float64(b.B))
			assert.Greater(t, d, 80.0, "%v and %v are too close", a, b)
		}
	}
	svg, err := testChart().SVG()
	require.NoError(t, err)
	for _, c := range Palette {
		assert.Contains(t, string(svg), colorHex(c), "every palette colour is used")
	}
	assert.Contains(t, string(svg), "stroke-dasharray", "series beyond the palette are dashed")
}

// TestErrorBarsAreDrawnForKnownIntervals: points with a finite interval get
// a bar, points without one (infinite bounds) get none.
func TestErrorBarsAreDrawnForKnownIntervals(t *testing.T) {
	one := LineChart{Title: "t", XLabel: "x", YLabel: "y", YMax: 20, Series: []Series{{Name: "a", Points: []Point{
		{X: 1, Y: 10, Lo: 5, Hi: 15}, {X: 2, Y: 10, Lo: math.Inf(-1), Hi: math.Inf(1)}}}}}
	withBar, err := one.SVG()
	require.NoError(t, err)
	one.Series[0].Points[0].Lo, one.Series[0].Points[0].Hi = math.Inf(-1), math.Inf(1)
	without, err := one.SVG()
	require.NoError(t, err)
	// A bar is a vertical line and two caps: three more paths.
	assert.Equal(t, strings.Count(string(without), "<path")+3, strings.Count(string(withBar), "<path"))
}

func TestWrapTitleFits(t *testing.T) {
	f := plot.DefaultFont
	f.Size = vg.Points(12)
	width := 5 * vg.Centimeter
	lines := wrapTitle("throughput: BenchmarkMapReadWrite/keys=int/reads=99/averyveryveryverylongparameterthatcannotfit=1", f, width)
	require.Greater(t, len(lines), 1)
	for _, l := range lines {
		assert.LessOrEqual(t, fontWidth(f, l), width, l)
	}
	assert.Equal(t, []string{"short"}, wrapTitle("short", f, width))
}

func TestLogTicks125(t *testing.T) {
	var labels []string
	for _, tk := range (logTicks125{}).Ticks(0.3, 60) {
		labels = append(labels, tk.Label)
	}
	assert.Equal(t, []string{"0.5", "1", "2", "5", "10", "20", "50"}, labels)
	assert.Empty(t, (logTicks125{}).Ticks(0, 1))
}

func colorHex(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	return "#" + strings.ToUpper(hex2(r>>8)+hex2(g>>8)+hex2(b>>8))
}

func hex2(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}
