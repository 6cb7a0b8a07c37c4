package theme

import (
	"image/color"
	"testing"
)

// TestContrastAA computes the contrast of every text/background pair the
// screens use, in both palettes: AA (4.5:1) for the standard one, AAA (7:1)
// for high contrast.
func TestContrastAA(t *testing.T) {
	for _, pal := range []struct {
		name string
		p    Palette
		min  float64
	}{{"standard", Standard, 4.5}, {"high contrast", HighContrast, 7}} {
		p := pal.p
		for _, tt := range []struct {
			name   string
			fg, bg color.Color
		}{
			{"ink on background", p.Ink, p.Background},
			{"ink on card", p.Ink, p.Card},
			{"ink on muted", p.Ink, p.Muted},
			{"white on primary", p.White, p.Primary},
			{"white on accent", p.White, p.Accent},
			{"white on danger", p.White, p.Danger},
			{"white on ok", p.White, p.OK},
			{"white on sim", p.White, p.Sim},
			{"white on inactive", p.White, p.Inactive},
			{"primary heading on background", p.Primary, p.Background},
			{"danger message on background", p.Danger, p.Background},
			{"ok title on background", p.OK, p.Background},
			{"sim label on background", p.Sim, p.Background},
			{"danger message on card", p.Danger, p.Card},
		} {
			if c := Contrast(tt.fg, tt.bg); c < pal.min {
				t.Errorf("%s: %s: contrast %.2f:1, want ≥ %.1f:1", pal.name, tt.name, c, pal.min)
			}
		}
	}
	if c := Contrast(color.Black, color.White); c < 20.9 || c > 21.1 {
		t.Errorf("Contrast(black, white) = %.2f, want 21", c)
	}
}

// TestUse swaps every colour and back.
func TestUse(t *testing.T) {
	defer Use(Standard)
	Use(HighContrast)
	if Background != HighContrast.Background || White != HighContrast.White || Card != HighContrast.Card {
		t.Fatal("Use(HighContrast) left standard colours")
	}
	Use(Standard)
	if Ink != Standard.Ink || Sim != Standard.Sim {
		t.Fatal("Use(Standard) did not restore")
	}
}
