package x11

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// startXvfb runs a private X server for the test.
func startXvfb(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Xvfb missing in CI (apt xvfb)")
		}
		t.Skip("Xvfb not installed")
	}
	for n := 91; n < 120; n++ {
		name := fmt.Sprintf(":%d", n)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		cmd := exec.Command(bin, name, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if c, err := xgb.NewConnDisplay(name); err == nil {
				c.Close()
				return name
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not come up", name)
	}
	t.Fatal("no free X display number")
	return ""
}

func TestPresentReachesTheWindowAndClicksAreTouches(t *testing.T) {
	name := startXvfb(t)
	w, err := Open(name, 320, 200, false, "mitra test")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	frame := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			c := color.RGBA{0x0B, 0x4F, 0x8A, 0xFF}
			if x >= 160 {
				c = color.RGBA{0xB3, 0x4A, 0x00, 0xFF}
			}
			frame.SetRGBA(x, y, c)
		}
	}
	if err := w.Present(frame, image.Rectangle{}); err != nil {
		t.Fatal(err)
	}
	// Read the window back through a second connection, as a screenshot
	// tool would.
	c, err := xgb.NewConnDisplay(name)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	img, err := xproto.GetImage(c, xproto.ImageFormatZPixmap, xproto.Drawable(w.win), 0, 0, 320, 200, 0xFFFFFFFF).Reply()
	if err != nil {
		t.Fatalf("GetImage: %v", err)
	}
	px := func(x, y int) [3]byte {
		i := (y*320 + x) * 4
		return [3]byte{img.Data[i+2], img.Data[i+1], img.Data[i]} // BGRX → RGB
	}
	if got, want := px(10, 10), [3]byte{0x0B, 0x4F, 0x8A}; got != want {
		t.Errorf("pixel (10,10) = %x, want %x", got, want)
	}
	if got, want := px(300, 190), [3]byte{0xB3, 0x4A, 0x00}; got != want {
		t.Errorf("pixel (300,190) = %x, want %x", got, want)
	}

	// A mouse click (XTEST) arrives as a touch down and up at its position.
	if err := xtest.Init(c); err != nil {
		t.Skipf("no XTEST extension: %v", err)
	}
	root := xproto.Setup(c).DefaultScreen(c).Root
	xtest.FakeInput(c, xproto.MotionNotify, 0, 0, root, 40, 50, 0)
	xtest.FakeInput(c, xproto.ButtonPress, 1, 0, root, 0, 0, 0)
	xtest.FakeInput(c, xproto.ButtonRelease, 1, 0, root, 0, 0, 0)
	xproto.GetInputFocus(c).Reply() // flush
	var got []display.Event
	timeout := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case e := <-w.Events():
			got = append(got, e)
		case <-timeout:
			t.Fatalf("events %v, want a touch down and up", got)
		}
	}
	if got[0].Kind != display.TouchDown || got[1].Kind != display.TouchUp || got[0].X != 40 || got[0].Y != 50 {
		t.Errorf("events %+v, want down and up at 40,50", got)
	}
}
