package ui

import (
	"image"
	"image/color"
	"reflect"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"golang.org/x/image/vector"

	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// Voice speaks the screens' prompts (ADA §707-style speech output). The UI
// names the method set it needs; cmd/mitra implements it with an
// appliance/speech Speaker playing ui/voice's recordings. All methods return
// at once: playing happens elsewhere.
type Voice interface {
	// Say plays the prompt of a screen (the ids of show, the outcome
	// phases, "idle" for the timeout warning, "access" for the options
	// panel) in lang, stopping the one playing. A screen without a
	// recorded prompt plays nothing.
	Say(lang, screen string)
	// Repeat plays the last prompt again (the speaker button).
	Repeat()
	// Volume changes the volume by delta steps, plays the last prompt at
	// the new level (so the citizen hears it), and returns the level, 0–10.
	Volume(delta int) int
	// SetEnabled turns the prompts on or off; Enabled reports it.
	SetEnabled(on bool)
	Enabled() bool
}

// access is a citizen's display and speech choices. They last one session:
// the next citizen starts from the kiosk's configuration.
type access struct {
	large, contrast bool
	open            bool   // the options panel is up
	spoken          string // "lang/key" of the last prompt, so a repaint does not repeat it
}

// applyAccess makes the theme match the citizen's choices; render calls it
// before building a screen.
func (a *app) applyAccess() {
	if a.acc.contrast {
		kt.Use(kt.HighContrast)
	} else {
		kt.Use(kt.Standard)
	}
	kt.TextScale = 1
	if a.acc.large {
		kt.TextScale = kt.LargeTextScale
	}
}

// resetAccess returns the choices to the kiosk's defaults (end of session).
func (a *app) resetAccess() {
	a.acc = access{large: a.opts.LargeText, contrast: a.opts.HighContrast}
	if a.opts.Voice != nil {
		a.opts.Voice.SetEnabled(a.opts.VoiceOn)
	}
}

// speak plays the prompt of the screen shown, once per screen and language:
// a repaint of the same screen does not start it again.
func (a *app) speak(screen string) {
	v := a.opts.Voice
	if v == nil {
		return
	}
	id := string(a.lang) + "/" + screen
	if id == a.acc.spoken {
		return
	}
	a.acc.spoken = id
	v.Say(string(a.lang), screen)
}

// accessTiles are the top bar's speaker and options buttons.
func (a *app) accessTiles() (speaker, options fyne.CanvasObject) {
	names := func(key string, extra ...string) []string { return append(i18n.Both(key), extra...) }
	sp := newTile("access.repeat", kt.Accent, kt.White, func() {
		a.touched()
		if v := a.opts.Voice; v != nil {
			if !v.Enabled() {
				v.SetEnabled(true)
			}
			v.Repeat()
		}
	}).withNames(names("access.repeat")...)
	sp.icon = speakerIcon
	op := newTile("access.open", kt.Accent, kt.White, func() {
		a.touched()
		a.acc.open = true
		a.render()
	}, "अA").withSizes(28).withNames(names("access.open", "अA")...)
	return sp, op
}

// accessPanel is the options card: large text, high contrast, spoken help
// and its volume. Each switch shows its state in words, not colour alone.
func (a *app) accessPanel() fyne.CanvasObject {
	state := func(on bool) string {
		if on {
			return a.t("access.on")
		}
		return a.t("access.off")
	}
	sw := func(id, key string, on bool, flip func()) *tile {
		bg := kt.Inactive
		if on {
			bg = kt.Primary
		}
		return newTile(id, bg, kt.White, func() { a.touched(); flip(); a.render() }, a.t(key), state(on)).
			withSizes(28, 24).withNames(i18n.Both(key)...)
	}
	large := sw("access.large", "access.large", a.acc.large, func() { a.acc.large = !a.acc.large })
	contrast := sw("access.contrast", "access.contrast", a.acc.contrast, func() { a.acc.contrast = !a.acc.contrast })
	lines := []string{a.t("access.title")}
	cells := []fyne.CanvasObject{large, contrast}
	if v := a.opts.Voice; v != nil {
		cells = append(cells, sw("access.voice", "access.voice", v.Enabled(), func() {
			v.SetEnabled(!v.Enabled())
			if v.Enabled() {
				a.acc.spoken = ""
				v.Repeat()
			}
		}))
		level := v.Volume(0)
		vol := func(id, key string, delta int) *tile {
			return newTile(id, kt.Accent, kt.White, func() {
				a.touched()
				v.Volume(delta)
				a.render()
			}, a.t(key)).withSizes(28).withNames(i18n.Both(key)...)
		}
		cells = append(cells, vol("access.quieter", "access.quieter", -1), vol("access.louder", "access.louder", +1))
		lines = append(lines, a.t("access.volume", level))
	} else {
		lines = append(lines, a.t("access.no_audio"))
	}
	done := newTile("ok", kt.Primary, kt.White, func() { a.touched(); a.acc.open = false; a.render() }, a.t("ok")).
		withSizes(30).withNames(i18n.Both("ok")...)
	cells = append(cells, done)
	texts := headedLines(lines, 30, 24, kt.Ink)
	rows := float32((len(cells) + 2) / 3)
	rowH, pad, w, h := float32(110), float32(20), float32(1000), float32(460)
	if a.compact() {
		rowH, pad, w, h = 88, 12, 780, 390
	}
	gridH := rows*rowH + (rows-1)*12
	card := container.NewStack(canvas.NewRectangle(kt.Card),
		container.New(&pageLayout{top: 0, bottom: gridH, pad: pad}, canvas.NewRectangle(color.Transparent),
			container.NewVBox(texts...), container.New(&gridGap{cols: 3, gap: 12}, cells...)))
	return container.NewStack(newScrim(), container.New(&centreBox{w: w, h: h}, card))
}

// gridGap lays its objects out in rows of cols equal cells with gaps.
type gridGap struct {
	cols int
	gap  float32
}

func (l *gridGap) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	rows := (len(objs) + l.cols - 1) / l.cols
	cw := (s.Width - float32(l.cols-1)*l.gap) / float32(l.cols)
	ch := (s.Height - float32(rows-1)*l.gap) / float32(rows)
	for i, o := range objs {
		r, c := i/l.cols, i%l.cols
		o.Move(fyne.NewPos(float32(c)*(cw+l.gap), float32(r)*(ch+l.gap)))
		o.Resize(fyne.NewSize(cw, ch))
	}
}

func (l *gridGap) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(64, 64) }

// speakerIcon draws a loudspeaker with two sound waves in colour c, px
// pixels square: drawn, not an emoji or SVG (no emoji font on the kiosk,
// and an SVG is re-rasterised on every frame by the embedded driver).
func speakerIcon(c color.Color, px int) image.Image {
	f := float32(px)
	r := vector.NewRasterizer(px, px)
	// The body and the cone.
	r.MoveTo(0.10*f, 0.38*f)
	r.LineTo(0.28*f, 0.38*f)
	r.LineTo(0.50*f, 0.18*f)
	r.LineTo(0.50*f, 0.82*f)
	r.LineTo(0.28*f, 0.62*f)
	r.LineTo(0.10*f, 0.62*f)
	r.ClosePath()
	// Two waves: arcs as quadratic curves with a thickness.
	wave := func(x0, h, t float32) {
		r.MoveTo(x0*f, (0.5-h)*f)
		r.QuadTo((x0+h*0.9)*f, 0.5*f, x0*f, (0.5+h)*f)
		r.LineTo((x0+t)*f, (0.5+h)*f)
		r.QuadTo((x0+t+h*0.9)*f, 0.5*f, (x0+t)*f, (0.5-h)*f)
		r.ClosePath()
	}
	wave(0.58, 0.14, 0.07)
	wave(0.72, 0.27, 0.07)
	dst := image.NewRGBA(image.Rect(0, 0, px, px))
	r.Draw(dst, dst.Bounds(), image.NewUniform(c), image.Point{})
	return dst
}

// iconKey names one rasterised icon.
type iconKey struct {
	draw uintptr
	c    color.NRGBA
	px   int
}

// icons holds every icon rasterised so far: a handful (two palettes), and
// the same image each time lets the painter's raster cache recognise it.
var icons sync.Map // iconKey → image.Image

// iconImage is a tile's icon, rasterised once per colour and size.
func iconImage(draw func(color.Color, int) image.Image, c color.Color, px int) *canvas.Image {
	k := iconKey{reflect.ValueOf(draw).Pointer(), color.NRGBAModel.Convert(c).(color.NRGBA), px}
	v, ok := icons.Load(k)
	if !ok {
		v, _ = icons.LoadOrStore(k, draw(c, px))
	}
	img := canvas.NewImageFromImage(v.(image.Image))
	img.FillMode = canvas.ImageFillOriginal
	img.ScaleMode = canvas.ImageScalePixels
	return img
}
