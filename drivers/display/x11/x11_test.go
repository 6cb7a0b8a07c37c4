package x11

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// xvfb starts a virtual X server and returns its display name. Outside CI
// a missing Xvfb skips the test; in CI it fails it.
func xvfb(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Xvfb not found (apt-get install xvfb)")
		}
		t.Skip("Xvfb not found")
	}
	// A display number unlikely to be taken, per process.
	n := 90 + os.Getpid()%500
	name := fmt.Sprintf(":%d", n)
	cmd := exec.Command(bin, name, "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sock := filepath.Join("/tmp/.X11-unix", fmt.Sprintf("X%d", n))
	deadline := time.Now().Add(20 * time.Second)
	for {
		if c, err := xgb.NewConnDisplay(name); err == nil {
			// Kept open: an X server resets when its last client leaves,
			// and refuses connections meanwhile (-noreset too, belt and
			// braces).
			t.Cleanup(c.Close)
			return name
		}
		if time.Now().After(deadline) {
			t.Fatalf("Xvfb %s did not accept connections within 20 s (socket %s): %s", name, sock, stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a server start-up, not waiting for our own work
	}
}

// pattern is a frame with four coloured quadrants.
func pattern(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{0x10, 0x20, 0x30, 0xFF}
			switch {
			case x < w/2 && y < h/2:
				c = color.RGBA{0xFF, 0, 0, 0xFF}
			case x >= w/2 && y < h/2:
				c = color.RGBA{0, 0xFF, 0, 0xFF}
			case x < w/2:
				c = color.RGBA{0, 0, 0xFF, 0xFF}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// windowPixel reads one pixel of the window back from the server.
func windowPixel(t *testing.T, c *xgb.Conn, d xproto.Drawable, x, y int) color.RGBA {
	t.Helper()
	r, err := xproto.GetImage(c, xproto.ImageFormatZPixmap, d, int16(x), int16(y), 1, 1, 0xFFFFFFFF).Reply()
	if err != nil {
		t.Fatalf("GetImage: %v", err)
	}
	return color.RGBA{r.Data[2], r.Data[1], r.Data[0], 0xFF} // BGRX on Xvfb (little-endian)
}

func TestPresentReachesWindow(t *testing.T) {
	name := xvfb(t)
	w, err := Open(name, 1280, 800, true, "Mitra test")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if got := w.Size(); got != image.Pt(1280, 800) {
		t.Errorf("Size() = %v", got)
	}
	frame := pattern(1280, 800)
	if err := w.Present(frame, image.Rectangle{}); err != nil {
		t.Fatal(err)
	}
	// A dirty-rectangle update: only the rectangle changes on screen.
	white := image.NewRGBA(frame.Bounds())
	copy(white.Pix, frame.Pix)
	dirty := image.Rect(600, 380, 700, 420)
	for y := dirty.Min.Y; y < dirty.Max.Y; y++ {
		for x := dirty.Min.X; x < dirty.Max.X; x++ {
			white.SetRGBA(x, y, color.RGBA{0xFF, 0xFF, 0xFF, 0xFF})
		}
	}
	// Pixels outside dirty differ in the frame handed over, but must not
	// be copied: they prove Present honours the rectangle.
	white.SetRGBA(10, 10, color.RGBA{0xFF, 0xFF, 0, 0xFF})
	if err := w.Present(white, dirty); err != nil {
		t.Fatal(err)
	}

	c, err := xgb.NewConnDisplay(name)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tests := []struct {
		x, y int
		want color.RGBA
	}{
		{10, 10, color.RGBA{0xFF, 0, 0, 0xFF}}, // outside dirty: still the first frame
		{1000, 100, color.RGBA{0, 0xFF, 0, 0xFF}},
		{100, 700, color.RGBA{0, 0, 0xFF, 0xFF}},
		{1000, 700, color.RGBA{0x10, 0x20, 0x30, 0xFF}},
		{650, 400, color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}}, // inside dirty
	}
	for _, tt := range tests {
		if got := windowPixel(t, c, xproto.Drawable(w.win), tt.x, tt.y); got != tt.want {
			t.Errorf("window pixel (%d,%d) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}

	// An independent tool's screenshot of the root window.
	if xwd, err := exec.LookPath("xwd"); err == nil {
		out := filepath.Join(t.TempDir(), "root.xwd")
		if b, err := exec.Command(xwd, "-root", "-display", name, "-out", out).CombinedOutput(); err != nil {
			t.Fatalf("xwd: %v: %s", err, b)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() < 1280*800*3 {
			t.Errorf("xwd screenshot %s: %v, size %d; want a full 1280×800 dump", out, err, fi.Size())
		}
	}
}

func TestInputEvents(t *testing.T) {
	name := xvfb(t)
	w, err := Open(name, 1280, 800, false, "Mitra test")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Present(pattern(1280, 800), image.Rectangle{})
	c, err := xgb.NewConnDisplay(name)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := xtest.Init(c); err != nil {
		t.Skipf("XTEST extension: %v", err)
	}
	root := xproto.Setup(c).DefaultScreen(c).Root
	fake := func(typ, detail byte, x, y int16) {
		if err := xtest.FakeInputChecked(c, typ, detail, 0, root, x, y, 0).Check(); err != nil {
			t.Fatalf("FakeInput: %v", err)
		}
	}
	fake(xproto.MotionNotify, 0, 200, 300)
	fake(xproto.ButtonPress, 1, 0, 0)
	fake(xproto.MotionNotify, 0, 260, 300)
	fake(xproto.ButtonRelease, 1, 0, 0)
	fake(xproto.KeyPress, 36, 0, 0) // Return on a PC keyboard
	fake(xproto.KeyRelease, 36, 0, 0)
	fake(xproto.KeyPress, 13, 0, 0) // 4
	fake(xproto.KeyRelease, 13, 0, 0)
	fake(xproto.KeyPress, 90, 0, 0) // keypad 0 (Num Lock does not matter)
	fake(xproto.KeyRelease, 90, 0, 0)
	fake(xproto.KeyPress, 38, 0, 0) // a: not a PIN key, nothing
	fake(xproto.KeyRelease, 38, 0, 0)
	fake(xproto.KeyPress, 9, 0, 0) // Escape
	fake(xproto.KeyRelease, 9, 0, 0)
	want := []display.Event{
		{Kind: display.TouchDown, X: 200, Y: 300},
		{Kind: display.TouchMove, X: 260, Y: 300},
		{Kind: display.TouchUp, X: 260, Y: 300},
		{Kind: display.KeyDown, Key: "Return"},
		{Kind: display.Rune, Rune: '4'},
		{Kind: display.Rune, Rune: '0'},
		{Kind: display.KeyDown, Key: "Escape"},
	}
	for i, wt := range want {
		select {
		case got := <-w.Events():
			if got != wt {
				t.Errorf("event %d = %+v, want %+v", i, got, wt)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d (%+v) did not arrive within 10 s", i, wt)
		}
	}
}

func BenchmarkToX(b *testing.B) {
	f := pattern(1280, 800)
	dst := make([]byte, len(f.Pix))
	b.SetBytes(int64(len(f.Pix)))
	for b.Loop() {
		toX(dst, f.Pix, false)
	}
}

func TestToX(t *testing.T) {
	// Three pixels: two take the 2-pixel path, the last the 1-pixel one.
	src := []byte{0x11, 0x22, 0x33, 0xFF, 0xAA, 0xBB, 0xCC, 0x80, 0x01, 0x02, 0x03, 0x04}
	tests := []struct {
		msb  bool
		want []byte
	}{
		{false, []byte{0x33, 0x22, 0x11, 0, 0xCC, 0xBB, 0xAA, 0, 0x03, 0x02, 0x01, 0}},
		{true, []byte{0, 0x11, 0x22, 0x33, 0, 0xAA, 0xBB, 0xCC, 0, 0x01, 0x02, 0x03}},
	}
	for _, tt := range tests {
		got := make([]byte, len(src))
		toX(got, src, tt.msb)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("toX(msb=%v) = % x, want % x", tt.msb, got, tt.want)
		}
	}
}
