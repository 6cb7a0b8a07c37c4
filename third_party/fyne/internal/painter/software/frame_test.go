package software_test

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/internal/painter/software"
	internalTest "fyne.io/fyne/v2/internal/test"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// frameScene is a screen with every kind of object the FramePainter caches or fills itself.
func frameScene() (fyne.CanvasObject, *canvas.Text, *canvas.Rectangle, *canvas.Image) {
	place := func(o fyne.CanvasObject, x, y, w, h float32) fyne.CanvasObject {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		return o
	}
	flat := canvas.NewRectangle(color.NRGBA{R: 0x12, G: 0x4a, B: 0x8c, A: 0xff})
	translucent := canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0x80, B: 0x00, A: 0x80})
	rounded := canvas.NewRectangle(color.NRGBA{R: 0x20, G: 0xa0, B: 0x40, A: 0xff})
	rounded.CornerRadius = 12
	rounded.StrokeColor = color.NRGBA{R: 0x10, G: 0x10, B: 0x10, A: 0xff}
	rounded.StrokeWidth = 3
	label := canvas.NewText("Pay bills / बिल भुगतान", color.White)
	label.TextSize = 22
	centred := canvas.NewText("Centred", color.NRGBA{R: 0x30, G: 0x30, B: 0x30, A: 0xff})
	centred.Alignment = fyne.TextAlignCenter
	centred.TextSize = 16
	img := canvas.NewImageFromImage(internalTest.NewCheckedImage(16, 16, 4, 4))
	img.FillMode = canvas.ImageFillContain
	circle := canvas.NewCircle(color.NRGBA{R: 0x80, G: 0x00, B: 0x80, A: 0xff})
	line := canvas.NewLine(color.Black)
	line.StrokeWidth = 2
	content := container.NewWithoutLayout(
		place(flat, 10, 10, 200, 120),
		place(translucent, 150, 60, 120, 100),
		place(rounded, 300, 20, 160, 110),
		place(label, 20, 40, 260, 30),
		place(centred, 300, 140, 160, 24),
		place(img, 20, 180, 96, 64),
		place(circle, 150, 180, 60, 60),
		place(line, 250, 200, 180, 40),
	)
	return content, label, rounded, img
}

func newSceneCanvas(content fyne.CanvasObject) test.WindowlessCanvas {
	c := test.NewCanvasWithPainter(software.NewPainter())
	c.SetPadded(false)
	c.SetContent(content)
	c.Resize(fyne.NewSize(480, 260))
	return c
}

func paintFrame(p *software.FramePainter, c fyne.Canvas) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, int(c.Size().Width*c.Scale()), int(c.Size().Height*c.Scale())))
	p.PaintFrame(c, dst, theme.Color(theme.ColorNameBackground))
	return dst
}

// compare returns the number of pixels differing by more than tol in some channel and the largest
// channel difference; want is the stock capture (opaque, so its NRGBA bytes are premultiplied ones).
func compare(got *image.RGBA, want image.Image, tol int) (n, maxDelta int) {
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := got.RGBAAt(x, y)
			r, gg, bb, a := want.At(x, y).RGBA()
			d := 0
			for i, w := range []uint32{r, gg, bb, a} {
				v := int([]uint8{g.R, g.G, g.B, g.A}[i])
				if dd := v - int(w>>8); dd > d {
					d = dd
				} else if -dd > d {
					d = -dd
				}
			}
			if d > maxDelta {
				maxDelta = d
			}
			if d > tol {
				n++
			}
		}
	}
	return n, maxDelta
}

// The frame painted once into a premultiplied RGBA (with caches) matches the stock two-pass NRGBA capture
// up to premultiplied rounding at anti-aliased and translucent pixels.
func TestFramePainterMatchesStockCapture(t *testing.T) {
	content, _, _, _ := frameScene()
	c := newSceneCanvas(content)
	want := c.Capture()
	p := software.NewFramePainter(0)
	for i := 0; i < 2; i++ { // the second frame comes from the caches
		got := paintFrame(p, c)
		n, maxDelta := compare(got, want, 2)
		total := got.Bounds().Dx() * got.Bounds().Dy()
		t.Logf("frame %d: %d of %d pixels differ by more than 2/255; max channel difference %d", i, n, total, maxDelta)
		if n*200 > total || maxDelta > 4 {
			t.Errorf("frame %d: %d of %d pixels differ by more than 2/255 (max %d), want ≤ 0.5%% and ≤ 4", i, n, total, maxDelta)
		}
	}
}

// A cached frame is exactly the frame painted with empty caches.
func TestFramePainterCachedEqualsUncached(t *testing.T) {
	content, _, _, _ := frameScene()
	c := newSceneCanvas(content)
	p := software.NewFramePainter(0)
	first := paintFrame(p, c)
	cached := paintFrame(p, c)
	if n, d := compare(cached, first, 0); n != 0 {
		t.Fatalf("the cached frame differs from the uncached one in %d pixels (max %d)", n, d)
	}
}

func pixel(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

// Changes reach the pixels: text and rectangles through their content keys, an image changed in place
// after Invalidate (what Refresh does in the embedded driver).
func TestFramePainterInvalidation(t *testing.T) {
	content, label, rounded, img := frameScene()
	c := newSceneCanvas(content)
	p := software.NewFramePainter(0)
	before := paintFrame(p, c)
	bytes := p.CacheBytes()
	if again := paintFrame(p, c); p.CacheBytes() != bytes {
		t.Fatalf("an unchanged frame grew the caches: %d → %d bytes", bytes, p.CacheBytes())
	} else if n, _ := compare(again, before, 0); n != 0 {
		t.Fatal("an unchanged frame changed")
	}

	label.Text = "Changed text"
	label.Refresh()
	after := paintFrame(p, c)
	if n, _ := compare(after, before, 0); n == 0 {
		t.Error("SetText did not change the pixels")
	}
	label.Color = color.NRGBA{R: 0xff, A: 0xff}
	recoloured := paintFrame(p, c)
	if n, _ := compare(recoloured, after, 0); n == 0 {
		t.Error("a text colour change did not change the pixels")
	}

	at := image.Pt(380, 75) // inside the rounded rectangle
	rounded.FillColor = color.NRGBA{B: 0xff, A: 0xff}
	if got := pixel(paintFrame(p, c), at.X, at.Y); got != (color.RGBA{B: 0xff, A: 0xff}) {
		t.Errorf("rounded rectangle after a fill change: %v, want blue", got)
	}

	src := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range src.Pix {
		src.Pix[i] = 0xff // white
	}
	img.Image = src
	img.FillMode = canvas.ImageFillStretch
	centre := image.Pt(20+48, 180+32)
	if got := pixel(paintFrame(p, c), centre.X, centre.Y); got != (color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}) {
		t.Fatalf("image after a new source: %v, want white", got)
	}
	for i := 0; i < len(src.Pix); i += 4 {
		src.Pix[i+1], src.Pix[i+2] = 0, 0 // red, in place
	}
	p.Invalidate(img)
	if got := pixel(paintFrame(p, c), centre.X, centre.Y); got != (color.RGBA{R: 0xff, A: 0xff}) {
		t.Errorf("image changed in place, after Invalidate: %v, want red", got)
	}
}

// The caches stay within their byte limit.
func TestFramePainterCacheBound(t *testing.T) {
	const limit = 64 << 10
	var objs []fyne.CanvasObject
	for i := 0; i < 40; i++ {
		txt := canvas.NewText(fmt.Sprintf("label number %d", i), color.Black)
		txt.Move(fyne.NewPos(float32(i%4)*120, float32(i/4)*24))
		txt.Resize(fyne.NewSize(120, 24))
		objs = append(objs, txt)
	}
	c := newSceneCanvas(container.NewWithoutLayout(objs...))
	p := software.NewFramePainter(limit)
	for i := 0; i < 3; i++ {
		paintFrame(p, c)
		if b := p.CacheBytes(); b > limit {
			t.Fatalf("frame %d: %d bytes cached, limit %d", i, b, limit)
		}
	}
	big := software.NewFramePainter(0)
	paintFrame(big, c)
	if big.CacheBytes() <= limit {
		t.Fatalf("the scene caches only %d bytes; the test needs more than %d", big.CacheBytes(), limit)
	}
}

// Scaled image rasters are keyed by source, not by object: a screen rebuilt with new *canvas.Image
// objects for the same source reuses them.
func TestFramePainterImageCacheSurvivesRebuild(t *testing.T) {
	src := internalTest.NewCheckedImage(16, 16, 4, 4)
	build := func() fyne.CanvasObject {
		img := canvas.NewImageFromImage(src)
		img.Move(fyne.NewPos(10, 10))
		img.Resize(fyne.NewSize(100, 80))
		return container.NewWithoutLayout(img)
	}
	c := newSceneCanvas(build())
	p := software.NewFramePainter(0)
	first := paintFrame(p, c)
	bytes := p.CacheBytes()
	if bytes == 0 {
		t.Fatal("the image was not cached")
	}
	c.SetContent(build())
	c.Resize(fyne.NewSize(480, 260))
	second := paintFrame(p, c)
	if p.CacheBytes() != bytes {
		t.Errorf("a rebuilt image object re-cached its raster: %d → %d bytes", bytes, p.CacheBytes())
	}
	if n, _ := compare(second, first, 0); n != 0 {
		t.Errorf("the rebuilt screen differs in %d pixels", n)
	}
}
