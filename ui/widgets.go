package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// tile is the kiosk's one tappable widget: a flat coloured card with one or
// two centred lines of text. Flat (no corner radius, no stroke) because the
// embedded driver re-rasterises rounded rectangles on every frame.
type tile struct {
	widget.BaseWidget
	id       string // stable id for automation ("svc.bills", "key.7")
	lines    []string
	sizes    []float32
	bg, fg   color.Color
	onTap    func()
	disabled bool
	// names are the labels /press matches, in both languages.
	names []string
	// icon, when set, is drawn centred above the lines, in fg, at a size
	// that fits the tile.
	icon func(c color.Color, px int) image.Image
}

func newTile(id string, bg, fg color.Color, onTap func(), lines ...string) *tile {
	t := &tile{id: id, lines: lines, bg: bg, fg: fg, onTap: onTap}
	t.sizes = make([]float32, len(lines))
	for i := range lines {
		t.sizes[i] = 30
		if i > 0 {
			t.sizes[i] = 22
		}
	}
	t.ExtendBaseWidget(t)
	return t
}

// withSizes sets the text sizes of the lines.
func (t *tile) withSizes(s ...float32) *tile { copy(t.sizes, s); return t }

// withNames sets the labels /press matches (defaults to the lines).
func (t *tile) withNames(n ...string) *tile { t.names = n; return t }

// Tapped implements fyne.Tappable.
func (t *tile) Tapped(*fyne.PointEvent) {
	if t.onTap != nil && !t.disabled {
		t.onTap()
	}
}

// TappedSecondary implements fyne.SecondaryTappable as a plain tap: the
// embedded driver turns a tap into a secondary tap when a frame is slow, and
// a kiosk has no long-press menus, so both mean "pressed".
func (t *tile) TappedSecondary(e *fyne.PointEvent) { t.Tapped(e) }

// MinSize keeps touch targets at least 64×64 px (WCAG 2.5.8 asks 24, the
// kiosk brief 48 dp).
func (t *tile) MinSize() fyne.Size {
	s := t.BaseWidget.MinSize()
	return fyne.NewSize(max(s.Width, 64), max(s.Height, 64))
}

// CreateRenderer implements fyne.Widget.
func (t *tile) CreateRenderer() fyne.WidgetRenderer {
	r := &tileRenderer{t: t, bg: canvas.NewRectangle(t.bg)}
	if t.icon != nil {
		r.icon = iconImage(t.icon, t.fg, iconPx)
	}
	for i, l := range t.lines {
		tx := canvas.NewText(l, t.fg)
		tx.TextSize = t.sizes[i] * kt.TextScale
		tx.Alignment = fyne.TextAlignCenter
		tx.TextStyle.Bold = i == 0
		r.texts = append(r.texts, tx)
	}
	return r
}

type tileRenderer struct {
	t     *tile
	bg    *canvas.Rectangle
	icon  *canvas.Image
	texts []*canvas.Text
}

// iconPx is the size of a tile's icon: it fits the 64 px top bar of the
// small screen.
const iconPx = 44

// tilePad is the horizontal margin inside a tile and lineGap the space
// between its lines (Devanagari's matras need the air).
const (
	tilePad = 12
	lineGap = 4
)

// Layout implements fyne.WidgetRenderer. A line too wide for the tile is
// shrunk to fit rather than spilling over its neighbour ("Aadhaar / Jan
// Aadhaar" on a quarter of the screen).
func (r *tileRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	if r.icon != nil {
		r.icon.Resize(fyne.NewSize(iconPx, iconPx))
		r.icon.Move(fyne.NewPos((s.Width-iconPx)/2, (s.Height-iconPx)/2))
	}
	// A label longer than its tile (English is often wider than Hindi)
	// shrinks until it fits, down to 18 px, rather than running past the
	// tile's edges.
	for i, tx := range r.texts {
		tx.TextSize = r.t.sizes[i] * kt.TextScale
		for tx.MinSize().Width > s.Width-16 && tx.TextSize > 18 {
			tx.TextSize -= 2
		}
	}
	total := float32(0)
	for i, tx := range r.texts {
		tx.TextSize = r.t.sizes[i] * kt.TextScale
		if w := fyne.MeasureText(tx.Text, tx.TextSize, tx.TextStyle).Width; w > s.Width-2*tilePad && w > 0 {
			tx.TextSize *= (s.Width - 2*tilePad) / w
		}
		total += tx.MinSize().Height
	}
	total += lineGap * float32(len(r.texts)-1)
	y := (s.Height - total) / 2
	for _, tx := range r.texts {
		h := tx.MinSize().Height
		tx.Move(fyne.NewPos(0, y))
		tx.Resize(fyne.NewSize(s.Width, h))
		y += h + lineGap
	}
}

func (r *tileRenderer) MinSize() fyne.Size {
	w, h := float32(0), float32(16)
	if r.icon != nil {
		w, h = iconPx, iconPx+16
	}
	for _, tx := range r.texts {
		m := tx.MinSize()
		w = max(w, m.Width)
		h += m.Height
	}
	return fyne.NewSize(w+24, h)
}

func (r *tileRenderer) Refresh() {
	r.bg.FillColor = r.t.bg
	if r.t.disabled {
		r.bg.FillColor = kt.Muted
	}
	for i, tx := range r.texts {
		tx.Text, tx.Color = r.t.lines[i], r.t.fg
	}
	r.bg.Refresh()
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg}
	if r.icon != nil {
		objs = append(objs, r.icon)
	}
	for _, tx := range r.texts {
		objs = append(objs, tx)
	}
	return objs
}

func (r *tileRenderer) Destroy() {}

// text is a plain line of text.
func text(s string, size float32, bold bool, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size * kt.TextScale
	t.TextStyle.Bold = bold
	return t
}

func centred(s string, size float32, bold bool, c color.Color) *canvas.Text {
	t := text(s, size, bold, c)
	t.Alignment = fyne.TextAlignCenter
	return t
}

// Symbols drawn beside labels. Each must be in the embedded fonts
// (TestGlyphCoverage), or Fyne would look for it in system fonts.
const (
	symBack      = "‹"
	symNext      = "›"
	symCancel    = "×"
	symBackspace = "‹"
)

// uiGlyphs lists the texts the UI draws that are not in the catalogue.
var uiGlyphs = []string{symBack, symNext, symCancel, symBackspace, "हिन्दी", "English", "0123456789 _", "अA"}

// scrim is the dimmed layer under a modal card. It takes every tap that
// misses the card's buttons: Fyne hands a tap to the topmost tappable
// object under the finger, so a plain rectangle would let taps through to
// the screen underneath.
type scrim struct{ widget.BaseWidget }

func newScrim() *scrim {
	s := &scrim{}
	s.ExtendBaseWidget(s)
	return s
}

// Tapped implements fyne.Tappable: a tap outside the card does nothing.
func (*scrim) Tapped(*fyne.PointEvent) {}

// TappedSecondary implements fyne.SecondaryTappable, like Tapped.
func (*scrim) TappedSecondary(*fyne.PointEvent) {}

// CreateRenderer implements fyne.Widget.
func (s *scrim) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.NRGBA{0, 0, 0, 0x99}))
}
