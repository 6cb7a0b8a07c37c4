package software_test

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/internal/painter/software"
	"fyne.io/fyne/v2/theme"
)

// The retained frame, repainted only where objects changed, equals a full repaint pixel for pixel
// after every kind of change; an unchanged frame repaints nothing, a small change a small area.
func TestPaintRetainedEqualsFullRepaint(t *testing.T) {
	content, label, rounded, img := frameScene()
	c := newSceneCanvas(content)
	p := software.NewFramePainter(0)
	frame := image.NewRGBA(image.Rect(0, 0, 480, 260))
	bg := theme.Color(theme.ColorNameBackground)
	if d := p.PaintRetained(c, frame, bg); d != frame.Bounds() {
		t.Fatalf("first frame repainted %v, want all of %v", d, frame.Bounds())
	}
	check := func(step string, maxArea int) {
		t.Helper()
		d := p.PaintRetained(c, frame, bg)
		full := paintFrame(software.NewFramePainter(0), c)
		if n, maxDelta := compare(frame, full, 0); n != 0 {
			t.Errorf("%s: retained frame differs from a full repaint in %d pixels (max %d); repainted %v", step, n, maxDelta, d)
		}
		if a := d.Dx() * d.Dy(); a > maxArea {
			t.Errorf("%s: repainted %v (%d px), want at most %d px", step, d, a, maxArea)
		}
	}
	check("unchanged", 0)
	label.Text = "Changed, and longer than before"
	check("text", 300*40)
	label.Color = color.NRGBA{R: 0xff, A: 0xff}
	check("text colour", 300*40)
	rounded.FillColor = color.NRGBA{B: 0xff, A: 0xff}
	check("rounded fill", 180*130)
	rounded.Move(fyne.NewPos(310, 30))
	check("move", 200*150)
	rounded.Hide()
	check("hide", 200*150)
	rounded.Show()
	check("show", 200*150)
	src := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range src.Pix {
		src.Pix[i] = 0xff
	}
	img.Image = src
	check("image source", 120*90)
	for i := 0; i < len(src.Pix); i += 4 {
		src.Pix[i+1] = 0 // changed in place, then refreshed
	}
	p.Invalidate(img)
	check("image in place", 120*90)
	label.Move(fyne.NewPos(-30, 40)) // cut by the frame's edge
	check("off the edge", 480*260)
	pop := canvas.NewRectangle(color.NRGBA{G: 0xff, A: 0xc0})
	pop.Resize(fyne.NewSize(100, 50))
	pop.Move(fyne.NewPos(200, 100))
	c.Overlays().Add(pop)
	check("overlay added", 480*260)
	c.Overlays().Remove(pop)
	check("overlay removed", 480*260)
	objs := content.(*fyne.Container).Objects
	objs[0], objs[1] = objs[1], objs[0] // overlapping rectangles swap their painting order
	check("z-order swap", 480*260)
}

// A new frame image (e.g. after a resize) or a new background repaints everything.
func TestPaintRetainedNewFrameRepaintsAll(t *testing.T) {
	content, _, _, _ := frameScene()
	c := newSceneCanvas(content)
	p := software.NewFramePainter(0)
	bg := theme.Color(theme.ColorNameBackground)
	a := image.NewRGBA(image.Rect(0, 0, 480, 260))
	p.PaintRetained(c, a, bg)
	b := image.NewRGBA(image.Rect(0, 0, 480, 260))
	if d := p.PaintRetained(c, b, bg); d != b.Bounds() {
		t.Errorf("a new frame image repainted %v, want everything", d)
	}
	if d := p.PaintRetained(c, b, color.White); d != b.Bounds() {
		t.Errorf("a new background repainted %v, want everything", d)
	}
}
