package ui

import (
	"fmt"
	"image"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"

	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// benchSizes are the kiosk's two screens.
var benchSizes = []image.Point{{1280, 800}, {800, 480}}

func sizeName(p image.Point) string { return fmt.Sprintf("%dx%d", p.X, p.Y) }

// startHome starts the UI at size and brings it to Home (a benchmark's
// harness has no *testing.T, so start leaves the attract screen up).
func startHome(b *testing.B, size image.Point) *harness {
	b.Helper()
	h := start(b, fakekiosk.New(), harnessOpts{lang: "hi", size: size})
	a := h.app
	if ref, ok := a.find("Touch to start"); ok {
		a.tapAndWait(ref.x+ref.w/2, ref.y+ref.h/2)
	}
	if s := a.currentScreen(); s != "home" {
		b.Fatalf("screen %q, want home", s)
	}
	return h
}

func (a *app) currentScreen() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.screen
}

// reportLatencies reports the mean, p50 and max of ds in ms.
func reportLatencies(b *testing.B, ds []time.Duration, unit string) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	b.ReportMetric(float64(sum.Nanoseconds())/float64(len(ds))/1e6, "ms/"+unit)
	b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds())/1e6, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)-1].Nanoseconds())/1e6, "max-ms")
}

// BenchmarkHomeFrame is one full frame of the Home screen forced by a key
// event (the stock driver repaints the whole window for it; a retained
// frame repaints nothing that did not change), through the conversion
// with change detection and Present to the headless framebuffer.
func BenchmarkHomeFrame(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			h := startHome(b, size)
			d := h.app.d
			b.ResetTimer()
			for b.Loop() {
				n := d.frameCount()
				d.queue <- &embedded.KeyEvent{Name: "", Direction: embedded.KeyPressed}
				d.waitFor(time.Now().Add(10*time.Second), func() bool { return d.frames > n })
			}
		})
	}
}

// BenchmarkTapToFrame is the latency from a touch entering the UI's input
// channel (as from a backend) to its frame being presented: a press and a
// release on Home's blank bottom margin (so the screen stays and every
// iteration measures the same frames).
func BenchmarkTapToFrame(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			h := startHome(b, size)
			d := h.app.d
			x, y := float32(size.X/2), float32(size.Y-8)
			var ds []time.Duration
			b.ResetTimer()
			for b.Loop() {
				for _, k := range []InputKind{TouchDown, TouchUp} {
					n := d.frameCount()
					t0 := time.Now()
					h.input <- InputEvent{Kind: k, X: x, Y: y}
					d.waitFor(time.Now().Add(10*time.Second), func() bool { return d.frames > n })
					ds = append(ds, time.Since(t0))
				}
			}
			reportLatencies(b, ds, "touch")
			if s := h.app.currentScreen(); s != "home" {
				b.Fatalf("screen %q after the taps, want home", s)
			}
		})
	}
}

// BenchmarkTapToFrameNavigate is navigation: a tap on Home's "Pay bills"
// tile until the bills screen's frame is presented, then a tap on "Back"
// until Home's frame is presented. Each measured latency runs from the
// touch down entering the input channel to the frame after the touch up
// (the screen changes on the up), so it includes the press frame.
func BenchmarkTapToFrameNavigate(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			h := startHome(b, size)
			a, d := h.app, h.app.d
			var ds []time.Duration
			tapTo := func(label, want string) {
				ref, ok := a.find(label)
				if !ok {
					b.Fatalf("no %q tile on %q", label, a.currentScreen())
				}
				x, y := ref.x+ref.w/2, ref.y+ref.h/2
				t0 := time.Now()
				n := d.frameCount()
				h.input <- InputEvent{Kind: TouchDown, X: x, Y: y}
				h.input <- InputEvent{Kind: TouchUp, X: x, Y: y}
				d.waitFor(time.Now().Add(10*time.Second), func() bool { return d.frames >= n+2 })
				ds = append(ds, time.Since(t0))
				if !d.settle(10 * time.Second) {
					b.Fatal("the UI did not settle")
				}
				if s := a.currentScreen(); s != want {
					b.Fatalf("tap on %q: screen %q, want %q", label, s, want)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				tapTo("Pay bills", "bills")
				tapTo("Back", "home")
			}
			reportLatencies(b, ds, "nav")
		})
	}
}

// TestRetainedFrameEqualsFullRepaint: Mitra's Fyne repaints only the area
// of a frame where objects changed (third_party/fyne patch 6). After a
// press, a release that navigates, typed digits, a message and a language
// switch, the presented frame must equal a full repaint of the window
// (Canvas().Capture() paints afresh) pixel for pixel.
func TestRetainedFrameEqualsFullRepaint(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi", size: image.Pt(1280, 800)})
	a, d := h.app, h.app.d
	check := func(step string) {
		t.Helper()
		if !d.settle(10 * time.Second) {
			t.Fatalf("%s: the UI did not settle", step)
		}
		var full *image.RGBA
		fyne.DoAndWait(func() {
			if img, ok := a.win.Canvas().Capture().(*image.RGBA); ok {
				full = img
			}
		})
		if full == nil {
			t.Skip("Capture does not return an *image.RGBA: not Mitra's patched Fyne")
		}
		shown := d.snapshot()
		if shown.Bounds() != full.Bounds() {
			t.Fatalf("%s: frame %v, full repaint %v", step, shown.Bounds(), full.Bounds())
		}
		n := 0
		for i := 0; i < len(full.Pix); i += 4 {
			if shown.Pix[i] != full.Pix[i] || shown.Pix[i+1] != full.Pix[i+1] || shown.Pix[i+2] != full.Pix[i+2] || shown.Pix[i+3] != full.Pix[i+3] {
				n++
			}
		}
		if n != 0 {
			t.Errorf("%s: the presented frame differs from a full repaint in %d pixels", step, n)
		}
	}
	check("home")
	ref, ok := a.find("Pay bills")
	if !ok {
		t.Fatal("no Pay bills tile")
	}
	x, y := ref.x+ref.w/2, ref.y+ref.h/2
	n := d.frameCount()
	h.input <- InputEvent{Kind: TouchDown, X: x, Y: y}
	d.waitFor(time.Now().Add(10*time.Second), func() bool { return d.frames > n })
	check("press")
	h.input <- InputEvent{Kind: TouchUp, X: x, Y: y}
	h.waitScreen("bills")
	check("release: bills")
	h.press("Electricity")
	h.press("JVVNL")
	check("knumber")
	h.must("POST", "/type", "text", "1234")
	check("typed")
	h.press("Get bill")
	check("message")
	h.press("English")
	check("English")
	h.press("Backspace")
	check("backspace")
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
