package typeface

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"github.com/go-text/render"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// faces holds the parsed fonts; parsing costs milliseconds, so it is done
// once.
type faces struct {
	latin, deva *font.Face
}

var (
	parseOnce sync.Once
	regular   faces
	bold      faces
	parseErr  error
)

func parse() {
	parseOnce.Do(func() {
		load := func(b []byte) *font.Face {
			f, err := font.ParseTTF(bytes.NewReader(b))
			if err != nil && parseErr == nil {
				parseErr = fmt.Errorf("typeface: %w", err)
			}
			return f
		}
		regular = faces{load(LatinRegular), load(DevanagariRegular)}
		bold = faces{load(LatinBold), load(DevanagariBold)}
	})
}

// ResolveFace implements shaping.Fontmap: Devanagari (and the danda, U+0964/5)
// from Noto Sans Devanagari, everything else from Noto Sans.
func (f faces) ResolveFace(r rune) *font.Face {
	if r >= 0x0900 && r <= 0x097F || r >= 0xA8E0 && r <= 0xA8FF || r == 0x200C || r == 0x200D {
		return f.deva
	}
	if _, ok := f.latin.NominalGlyph(r); ok {
		return f.latin
	}
	if _, ok := f.deva.NominalGlyph(r); ok {
		return f.deva
	}
	return f.latin
}

// Line is shaped text ready to draw.
type Line struct {
	runs  shaping.Line
	size  float32
	Width int // advance in pixels
	// Ascent and Descent in pixels, for line spacing.
	Ascent, Descent int
}

// Shape shapes text at size pixels (HarfBuzz: Devanagari matras reordered,
// conjuncts formed), splitting it into runs by script and font.
func Shape(text string, size float32, isBold bool) (Line, error) {
	parse()
	if parseErr != nil {
		return Line{}, parseErr
	}
	fm := regular
	if isBold {
		fm = bold
	}
	runes := []rune(text)
	in := shaping.Input{Text: runes, RunStart: 0, RunEnd: len(runes), Direction: di.DirectionLTR,
		Face: fm.latin, Size: fixed.Int26_6(size * 64)}
	var seg shaping.Segmenter
	var shaper shaping.HarfbuzzShaper
	l := Line{size: size}
	var adv fixed.Int26_6
	for _, run := range seg.Split(in, fm) {
		out := shaper.Shape(run)
		l.runs = append(l.runs, out)
		adv += out.Advance
		l.Ascent = max(l.Ascent, out.LineBounds.Ascent.Ceil())
		l.Descent = max(l.Descent, (-out.LineBounds.Descent).Ceil())
	}
	l.Width = adv.Ceil()
	return l, nil
}

// Glyphs is the number of glyphs after shaping (fewer than runes where
// conjuncts formed).
func (l Line) Glyphs() int {
	n := 0
	for _, r := range l.runs {
		n += len(r.Glyphs)
	}
	return n
}

// Missing is the number of glyphs the fonts lack (drawn as .notdef
// boxes, "tofu"): 0 for text the kiosk can show.
func (l Line) Missing() int {
	n := 0
	for _, r := range l.runs {
		for _, g := range r.Glyphs {
			if g.GlyphID == 0 {
				n++
			}
		}
	}
	return n
}

// Draw draws the line with its baseline at y, starting at x.
//
// The glyphs are rasterised into a mask the size of the line, then
// composited: go-text/render sizes its scanline rasteriser to the whole
// destination on every run, which on a tall receipt page cost ~300 ms per
// slip; a line-sized mask makes it a few milliseconds.
func (l Line) Draw(dst draw.Image, x, y int, c color.Color) {
	pad := 2
	w, h := l.Width+2*pad, l.Ascent+l.Descent+2*pad
	if w <= 2*pad || h <= 2*pad {
		return
	}
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	r := render.Renderer{FontSize: l.size, PixScale: 1, Color: color.Alpha{0xFF}}
	px := pad
	for _, run := range l.runs {
		px = r.DrawShapedRunAt(run, mask, px, pad+l.Ascent)
	}
	rect := image.Rect(x-pad, y-l.Ascent-pad, x-pad+w, y-l.Ascent-pad+h)
	draw.DrawMask(dst, rect, image.NewUniform(c), image.Point{}, mask, image.Point{}, draw.Over)
}
