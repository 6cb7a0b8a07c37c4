package ui

import (
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/embedded"

	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// BenchmarkHomeFrame is one full repaint of the Home screen at 1280×800 on
// the stock embedded driver: Capture (the whole tree), conversion to RGBA
// with change detection, and Present to the headless framebuffer.
func BenchmarkHomeFrame(b *testing.B) {
	h := start(b, fakekiosk.New(), harnessOpts{lang: "hi", size: image.Pt(1280, 800)})
	d := h.app.d
	b.ResetTimer()
	for b.Loop() {
		n := d.frameCount()
		d.queue <- &embedded.KeyEvent{Name: "", Direction: embedded.KeyPressed}
		d.waitFor(time.Now().Add(10*time.Second), func() bool { return d.frames > n })
	}
}

// BenchmarkTapToFrame is the latency from a touch entering the UI's input
// channel (as from a backend) to its frame being presented: a press and a
// release on a Home tile that is not active (so the screen stays).
func BenchmarkTapToFrame(b *testing.B) {
	h := start(b, fakekiosk.New(), harnessOpts{lang: "hi", size: image.Pt(1280, 800)})
	d := h.app.d
	// Blank margin under the tiles: touching it changes nothing, so each
	// iteration measures the same frame.
	const x, y = 640, 760
	b.ResetTimer()
	for b.Loop() {
		for _, k := range []InputKind{TouchDown, TouchUp} {
			n := d.frameCount()
			h.input <- InputEvent{Kind: k, X: x, Y: y}
			d.waitFor(time.Now().Add(10*time.Second), func() bool { return d.frames > n })
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N)/1e6, "ms/touch")
}

// BenchmarkConvertNRGBA converts a full 1280×800 frame: every pixel changed
// (navigation) and none changed (the common repaint of an unchanged screen).
func BenchmarkConvertNRGBA(b *testing.B) {
	r := image.Rect(0, 0, 1280, 800)
	src := image.NewNRGBA(r)
	for i := range src.Pix {
		src.Pix[i] = byte(i*7) | 3
	}
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = 0xFF
	}
	b.Run("all-changed", func(b *testing.B) {
		dst := image.NewRGBA(r)
		b.SetBytes(int64(len(src.Pix)))
		for b.Loop() {
			clear(dst.Pix)
			convertNRGBA(dst, src)
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		dst := image.NewRGBA(r)
		convertNRGBA(dst, src)
		b.SetBytes(int64(len(src.Pix)))
		for b.Loop() {
			convertNRGBA(dst, src)
		}
	})
}
