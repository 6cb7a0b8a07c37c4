package headless

import (
	"image"
	"image/color"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

func TestPresentDirty(t *testing.T) {
	s := New(8, 4)
	f := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for i := range f.Pix {
		f.Pix[i] = 0xFF
	}
	if err := s.Present(f, image.Rect(2, 1, 4, 3)); err != nil {
		t.Fatal(err)
	}
	got, n := s.Frame()
	if n != 1 {
		t.Errorf("frames = %d", n)
	}
	for y := range 4 {
		for x := range 8 {
			in := x >= 2 && x < 4 && y >= 1 && y < 3
			if c := got.RGBAAt(x, y); (c == color.RGBA{255, 255, 255, 255}) != in {
				t.Errorf("pixel %d,%d = %v (inside dirty: %v)", x, y, c, in)
			}
		}
	}
}

func TestInput(t *testing.T) {
	in := NewInput()
	want := []display.Event{{Kind: display.TouchDown, X: 1, Y: 2}, {Kind: display.TouchUp, X: 1, Y: 2}, {Kind: display.KeyDown, Key: "Return"}}
	for _, e := range want {
		in.Send(e)
	}
	in.Close()
	in.Close() // a second Close is harmless
	var got []display.Event
	for e := range in.Events() {
		got = append(got, e)
	}
	if len(got) != len(want) {
		t.Fatalf("Events() delivered %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFrameIsACopy(t *testing.T) {
	s := New(2, 2)
	f, _ := s.Frame()
	f.Pix[0] = 0xFF
	if g, _ := s.Frame(); g.Pix[0] != 0 {
		t.Error("Frame() returned the live framebuffer, not a copy")
	}
}

func BenchmarkPresentFull(b *testing.B) {
	s := New(1280, 800)
	f := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	b.SetBytes(int64(len(f.Pix)))
	for b.Loop() {
		s.Present(f, image.Rectangle{})
	}
}
