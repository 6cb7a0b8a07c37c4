package headless

import (
	"image"
	"image/color"
	"testing"
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
