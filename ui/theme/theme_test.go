package theme

import (
	"image/color"
	"testing"
)

func TestContrastAA(t *testing.T) {
	for _, tt := range []struct {
		name   string
		fg, bg color.Color
	}{
		{"ink on background", Ink, Background},
		{"white on primary", White, Primary},
		{"white on accent", White, Accent},
		{"ink on muted", Ink, Muted},
		{"white on danger", White, Danger},
		{"white on ok", White, OK},
		{"white on sim", White, Sim},
	} {
		if c := Contrast(tt.fg, tt.bg); c < 4.5 {
			t.Errorf("%s: contrast %.2f:1, want ≥ 4.5:1", tt.name, c)
		}
	}
	if c := Contrast(color.Black, color.White); c < 20.9 || c > 21.1 {
		t.Errorf("Contrast(black, white) = %.2f, want 21", c)
	}
}
