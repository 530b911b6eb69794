package benchreport

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Point is one measurement: Y at X with the confidence interval [Lo, Hi]
// of Y (infinite bounds when there is none, and then no error bar).
type Point struct{ X, Y, Lo, Hi float64 }

// Series is one implementation's line.
type Series struct {
	Name   string
	Points []Point
}

// LineChart is a line chart with error bars and a legend beside the data.
type LineChart struct {
	Title, XLabel, YLabel string
	// LogY draws the y axis on a log scale (the x axis is logarithmic
	// whenever its values span a factor of 8 or more).
	LogY bool
	// YMax fixes the top of the y axis (0: automatic).
	YMax float64
	// XTicks are the x values to label (the measured ones).
	XTicks []float64
	Series []Series
}

// Chart geometry. The legend has a strip of its own to the right of the
// data, so it never covers a line.
const (
	chartWidth   = 20 * vg.Centimeter
	chartHeight  = 11 * vg.Centimeter
	legendMargin = 4 * vg.Millimeter
)

// Palette is the Okabe-Ito colour-blind-safe qualitative palette: eight
// colours that stay distinct for every kind of colour vision. Series beyond
// eight reuse the colours with dashed lines; every series also has its own
// marker shape.
var Palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x00, 0x00, 0xFF}, // black
	{0x88, 0x88, 0x88, 0xFF}, // grey, instead of Okabe-Ito's yellow, which is unreadable on white
}

var shapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{},
	draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}

// errorBars gives plotter.YErrorBars the points' intervals.
type errorBars []Point

func (e errorBars) Len() int                    { return len(e) }
func (e errorBars) XY(i int) (float64, float64) { return e[i].X, e[i].Y }
func (e errorBars) YError(i int) (float64, float64) {
	return e[i].Y - e[i].Lo, e[i].Hi - e[i].Y
}

// hasInterval reports whether p has a finite interval that is drawable.
func (p Point) hasInterval(logY bool) bool {
	finite := !math.IsInf(p.Lo, 0) && !math.IsInf(p.Hi, 0) && !math.IsNaN(p.Lo) && !math.IsNaN(p.Hi)
	return finite && p.Lo <= p.Y && p.Y <= p.Hi && (!logY || p.Lo > 0)
}

// SVG renders the chart. The output depends only on the chart.
func (ch LineChart) SVG() ([]byte, error) {
	if len(ch.Series) == 0 {
		return nil, fmt.Errorf("benchreport: chart %q has no series", ch.Title)
	}
	p := plot.New()
	p.X.Label.Text = ch.XLabel
	p.Y.Label.Text = ch.YLabel
	leg := plot.NewLegend()
	leg.Top, leg.Left = true, true
	var xs []float64
	for i, s := range ch.Series {
		pts := slices.Clone(s.Points)
		slices.SortStableFunc(pts, func(a, b Point) int { return cmpFloat(a.X, b.X) })
		xys := make(plotter.XYs, len(pts))
		var bars errorBars
		for j, pt := range pts {
			xys[j] = plotter.XY{X: pt.X, Y: pt.Y}
			xs = append(xs, pt.X)
			if pt.hasInterval(ch.LogY) {
				bars = append(bars, pt)
			}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("benchreport: chart %q, %s: %w", ch.Title, s.Name, err)
		}
		c := Palette[i%len(Palette)]
		line.Color = c
		line.Width = vg.Points(1.5)
		if i >= len(Palette) {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		points.Color = c
		points.Shape = shapes[i%len(shapes)]
		points.Radius = vg.Points(3)
		p.Add(line, points)
		if len(bars) > 0 {
			eb, err := plotter.NewYErrorBars(bars)
			if err != nil {
				return nil, fmt.Errorf("benchreport: chart %q, %s: %w", ch.Title, s.Name, err)
			}
			eb.Color = c
			eb.Width = vg.Points(1)
			eb.CapWidth = vg.Points(5)
			p.Add(eb)
		}
		leg.Add(s.Name, line, points)
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	lo, hi := xs[0], xs[len(xs)-1]
	// Pad the x range so the first and last tick labels, centred on the
	// outermost points, stay inside the canvas.
	if lo > 0 && hi/lo >= 8 {
		p.X.Scale = plot.LogScale{}
		p.X.Min, p.X.Max = lo/1.35, hi*1.35
	} else {
		pad := math.Max((hi-lo)*0.06, math.Abs(hi)*0.02+1e-9)
		p.X.Min, p.X.Max = lo-pad, hi+pad
	}
	ticks := ch.XTicks
	if len(ticks) == 0 {
		ticks = xs
	}
	p.X.Tick.Marker = valueTicks(sortedCopy(ticks))
	// Leave headroom above (and, on a log axis, below) the highest point or
	// error bar, so no marker touches the title or the axis.
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, s := range ch.Series {
		for _, pt := range s.Points {
			ylo, yhi = math.Min(ylo, pt.Y), math.Max(yhi, pt.Y)
			if pt.hasInterval(ch.LogY) {
				ylo, yhi = math.Min(ylo, pt.Lo), math.Max(yhi, pt.Hi)
			}
		}
	}
	if ch.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks125{}
		if ylo > 0 {
			p.Y.Min, p.Y.Max = ylo/1.3, yhi*1.3
		}
	} else {
		p.Y.Min, p.Y.Max = 0, yhi*1.08
	}
	if ch.YMax > 0 {
		p.Y.Max = ch.YMax
	}

	legendWidth := legendMargin + leg.ThumbnailWidth + leg.TextStyle.Rectangle(" ").Max.X
	widest := vg.Length(0)
	for _, s := range ch.Series {
		widest = max(widest, fontWidth(leg.TextStyle.Font, s.Name))
	}
	// SVG viewers substitute fonts whose glyphs can be wider than the
	// metrics measured here: leave a fifth more room.
	legendWidth += widest*6/5 + legendMargin
	plotWidth := chartWidth - legendWidth
	p.Title.Text = strings.Join(wrapTitle(ch.Title, p.Title.TextStyle.Font, (plotWidth-2*legendMargin)*5/6), "\n")

	c := vgsvg.New(chartWidth, chartHeight)
	dc := draw.New(c)
	p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
	strip := draw.Crop(dc, plotWidth+legendMargin, 0, 0, -2*legendMargin)
	leg.Draw(strip)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("benchreport: chart %q: %w", ch.Title, err)
	}
	return buf.Bytes(), nil
}

// logTicks125 labels a logarithmic axis at 1, 2 and 5 times the powers of
// ten in range.
type logTicks125 struct{}

// Ticks implements plot.Ticker.
func (logTicks125) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	if lo <= 0 || hi <= lo {
		return ticks
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo && v <= hi {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	return ticks
}

// wrapTitle breaks a title into lines no wider than width, at "/" and
// spaces; a single element wider than width is cut with an ellipsis.
func wrapTitle(title string, f font.Font, width vg.Length) []string {
	fits := func(s string) bool { return fontWidth(f, s) <= width }
	var tokens []string
	cur := ""
	for _, r := range title {
		cur += string(r)
		if r == '/' || r == ' ' {
			tokens = append(tokens, cur)
			cur = ""
		}
	}
	if cur != "" {
		tokens = append(tokens, cur)
	}
	var lines []string
	line := ""
	for _, tok := range tokens {
		switch {
		case fits(line + tok):
			line += tok
		case line != "":
			lines = append(lines, strings.TrimSpace(line))
			line = tok
		default:
			line = tok
		}
		for !fits(line) && len(line) > 1 {
			// One token wider than the chart: cut it.
			cut := []rune(line)
			for len(cut) > 1 && !fits(string(cut)+"…") {
				cut = cut[:len(cut)-1]
			}
			lines = append(lines, string(cut)+"…")
			line = ""
		}
	}
	if strings.TrimSpace(line) != "" {
		lines = append(lines, strings.TrimSpace(line))
	}
	return lines
}

// fontWidth measures s in font f.
func fontWidth(f font.Font, s string) vg.Length {
	face := font.DefaultCache.Lookup(f, f.Size)
	return face.Width(s)
}

func sortedCopy(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return slices.Compact(s)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
