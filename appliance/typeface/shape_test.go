package typeface

import (
	"image"
	"image/color"
	"testing"
)

func TestShapingFormsConjuncts(t *testing.T) {
	for _, tt := range []struct {
		text      string
		maxGlyphs int
	}{
		// क्ष is one conjunct glyph; त्र another: far fewer glyphs than runes.
		{"क्षत्रिय", 5},
		{"प्रमाण पत्र", 9},
	} {
		l, err := Shape(tt.text, 32, false)
		if err != nil {
			t.Fatal(err)
		}
		if runes := len([]rune(tt.text)); l.Glyphs() >= runes || l.Glyphs() > tt.maxGlyphs {
			t.Errorf("Shape(%q): %d glyphs for %d runes, want at most %d", tt.text, l.Glyphs(), runes, tt.maxGlyphs)
		}
	}
}

func TestDrawInksMixedScripts(t *testing.T) {
	l, err := Shape("Bill बिल ₹1,234", 28, true)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, l.Width+4, l.Ascent+l.Descent+4))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	l.Draw(img, 2, 2+l.Ascent, color.Black)
	// Ink must appear in each third of the line: Latin, Devanagari, digits.
	third := img.Bounds().Dx() / 3
	for part := range 3 {
		dark := 0
		for y := range img.Bounds().Dy() {
			for x := part * third; x < (part+1)*third; x++ {
				if img.GrayAt(x, y).Y < 128 {
					dark++
				}
			}
		}
		if dark < 20 {
			t.Errorf("third %d of the line has %d dark pixels: text not drawn", part, dark)
		}
	}
}
