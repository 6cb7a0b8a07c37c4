package ui

import (
	"image"
	"image/color"
	"testing"
)

func TestConvertNRGBA(t *testing.T) {
	r := image.Rect(0, 0, 40, 10)
	tests := []struct {
		name  string
		paint func(*image.NRGBA)
		dirty image.Rectangle
		at    image.Point
		want  color.RGBA
	}{
		{"unchanged", func(*image.NRGBA) {}, image.Rectangle{}, image.Pt(0, 0), color.RGBA{}},
		{"one pixel", func(n *image.NRGBA) { n.SetNRGBA(17, 4, color.NRGBA{1, 2, 3, 0xFF}) }, image.Rect(16, 4, 18, 5), image.Pt(17, 4), color.RGBA{1, 2, 3, 0xFF}},
		{"translucent is premultiplied", func(n *image.NRGBA) { n.SetNRGBA(0, 9, color.NRGBA{200, 100, 50, 0x80}) }, image.Rect(0, 9, 2, 10), image.Pt(0, 9), color.RGBA{100, 50, 25, 0x80}},
		{"two rows", func(n *image.NRGBA) {
			n.SetNRGBA(3, 1, color.NRGBA{9, 9, 9, 0xFF})
			n.SetNRGBA(39, 7, color.NRGBA{8, 8, 8, 0xFF})
		}, image.Rect(2, 1, 40, 8), image.Pt(39, 7), color.RGBA{8, 8, 8, 0xFF}},
	}
	for _, tt := range tests {
		src := image.NewNRGBA(r)
		dst := image.NewRGBA(r)
		tt.paint(src)
		dirty := convertNRGBA(dst, src)
		// Rows are compared in 8-byte (2-pixel) blocks, so the rectangle
		// is the changed pixels rounded out to whole blocks.
		if dirty != tt.dirty {
			t.Errorf("%s: convertNRGBA dirty = %v, want %v", tt.name, dirty, tt.dirty)
		}
		if got := dst.RGBAAt(tt.at.X, tt.at.Y); got != tt.want {
			t.Errorf("%s: pixel %v = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
}
