// Package theme is the kiosk's Fyne theme: embedded Noto fonts (Devanagari
// first, Fyne's own Noto Sans for Latin), large sizes for a 1280×800 panel
// read at arm's length, and colours whose contrast is checked by a test.
package theme

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"github.com/mitra-kiosk/mitra/appliance/typeface"
)

// Palette. Text on each background meets WCAG AA (4.5:1); see theme_test.
var (
	Background = color.NRGBA{0xF4, 0xF1, 0xEA, 0xFF} // warm paper white
	Ink        = color.NRGBA{0x1B, 0x1B, 0x1B, 0xFF}
	Primary    = color.NRGBA{0x0B, 0x4F, 0x8A, 0xFF} // government blue, white text
	Accent     = color.NRGBA{0xB3, 0x4A, 0x00, 0xFF} // saffron-brown, white text
	Muted      = color.NRGBA{0xDD, 0xD6, 0xC8, 0xFF} // unavailable tiles, ink text
	Danger     = color.NRGBA{0x9B, 0x1C, 0x1C, 0xFF} // cancel, white text
	OK         = color.NRGBA{0x1E, 0x6B, 0x34, 0xFF} // success, white text
	Sim        = color.NRGBA{0x5B, 0x21, 0x82, 0xFF} // simulator panel, white text
	White      = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

var (
	deva     = fyne.NewStaticResource("NotoSansDevanagari-Regular.ttf", typeface.DevanagariRegular)
	devaBold = fyne.NewStaticResource("NotoSansDevanagari-Bold.ttf", typeface.DevanagariBold)
)

// Kiosk is the theme.
type Kiosk struct{}

var _ fyne.Theme = Kiosk{}

// Font returns Noto Sans Devanagari; Fyne's renderer falls back to its
// embedded Noto Sans for Latin runes, so mixed lines shape correctly and no
// system font is ever read.
func (Kiosk) Font(s fyne.TextStyle) fyne.Resource {
	if s.Bold {
		return devaBold
	}
	return deva
}

// Color implements fyne.Theme.
func (Kiosk) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case fynetheme.ColorNameBackground:
		return Background
	case fynetheme.ColorNameForeground:
		return Ink
	case fynetheme.ColorNamePrimary:
		return Primary
	case fynetheme.ColorNameButton:
		return Primary
	}
	return fynetheme.DefaultTheme().Color(n, fynetheme.VariantLight)
}

// Icon implements fyne.Theme.
func (Kiosk) Icon(n fyne.ThemeIconName) fyne.Resource { return fynetheme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme: body text 24 px (the brief asks ≥ 20 px).
func (Kiosk) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case fynetheme.SizeNameText:
		return 24
	case fynetheme.SizeNamePadding:
		return 8
	case fynetheme.SizeNameInnerPadding:
		return 12
	}
	return fynetheme.DefaultTheme().Size(n)
}

// Contrast is the WCAG 2 contrast ratio of two colours.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 65535
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
