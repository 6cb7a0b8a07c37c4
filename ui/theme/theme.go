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

// Palette is the kiosk's set of colours. Each background colour is named
// for what it marks; the text on it is White (on the coloured tiles) or Ink
// (on Background, Card and Muted). TestContrastAA checks every pair in both
// palettes.
type Palette struct {
	Background color.NRGBA // the page
	Card       color.NRGBA // modal cards over the dimmed page
	Ink        color.NRGBA // text on Background, Card and Muted
	Primary    color.NRGBA // action tiles; also headings on Background
	Accent     color.NRGBA // secondary tiles
	Muted      color.NRGBA // unavailable tiles
	Inactive   color.NRGBA // a switch that is off (the other language); White text
	Danger     color.NRGBA // cancel; errors as text on Background
	OK         color.NRGBA // success
	Sim        color.NRGBA // the simulator's panel
	White      color.NRGBA // text on the coloured tiles
}

// Standard is the everyday palette: dark text on warm paper white, white
// text on deep colours.
var Standard = Palette{
	Background: color.NRGBA{0xF4, 0xF1, 0xEA, 0xFF}, // warm paper white
	Card:       color.NRGBA{0xF4, 0xF1, 0xEA, 0xFF},
	Ink:        color.NRGBA{0x1B, 0x1B, 0x1B, 0xFF},
	Primary:    color.NRGBA{0x0B, 0x4F, 0x8A, 0xFF}, // government blue
	Accent:     color.NRGBA{0xB3, 0x4A, 0x00, 0xFF}, // saffron-brown
	Muted:      color.NRGBA{0xDD, 0xD6, 0xC8, 0xFF},
	Inactive:   color.NRGBA{0x55, 0x55, 0x55, 0xFF},
	Danger:     color.NRGBA{0x9B, 0x1C, 0x1C, 0xFF},
	OK:         color.NRGBA{0x1E, 0x6B, 0x34, 0xFF},
	Sim:        color.NRGBA{0x5B, 0x21, 0x82, 0xFF},
	White:      color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
}

// HighContrast is for low vision and for a screen in the afternoon sun:
// white text on black, black text on saturated light tiles, every pair at
// 7:1 or more (WCAG AAA), and the tile colours still told apart by
// lightness, not hue alone.
var HighContrast = Palette{
	Background: color.NRGBA{0x00, 0x00, 0x00, 0xFF},
	Card:       color.NRGBA{0x1E, 0x1E, 0x1E, 0xFF},
	Ink:        color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	Primary:    color.NRGBA{0xFF, 0xE0, 0x00, 0xFF}, // yellow
	Accent:     color.NRGBA{0x00, 0xE5, 0xFF, 0xFF}, // cyan
	Muted:      color.NRGBA{0x4A, 0x4A, 0x4A, 0xFF},
	Inactive:   color.NRGBA{0xC8, 0xC8, 0xC8, 0xFF}, // light grey, black text
	Danger:     color.NRGBA{0xFF, 0x9E, 0x9E, 0xFF}, // light red
	OK:         color.NRGBA{0x7C, 0xF5, 0x7C, 0xFF}, // light green
	Sim:        color.NRGBA{0xE2, 0xB8, 0xFF, 0xFF}, // light violet
	White:      color.NRGBA{0x00, 0x00, 0x00, 0xFF}, // black on the light tiles
}

// The colours in use. Screens read them when they are built; Use swaps them
// on the UI's event loop and the screen is rebuilt, so nothing else reads
// them concurrently.
var (
	Background = Standard.Background
	Card       = Standard.Card
	Ink        = Standard.Ink
	Primary    = Standard.Primary
	Accent     = Standard.Accent
	Muted      = Standard.Muted
	Inactive   = Standard.Inactive
	Danger     = Standard.Danger
	OK         = Standard.OK
	Sim        = Standard.Sim
	White      = Standard.White
)

// TextScale multiplies the kiosk's text sizes: 1, or LargeTextScale when a
// citizen asks for large text.
var TextScale float32 = 1

// LargeTextScale is the large-text toggle's factor. 1.3× keeps a two-line
// Hindi + English tile inside its card at 800×480 (tiles shrink a line that
// is still too wide).
const LargeTextScale = 1.3

// Use makes p the palette in use. Call it on the UI's event loop.
func Use(p Palette) {
	Background, Card, Ink, Primary, Accent = p.Background, p.Card, p.Ink, p.Primary, p.Accent
	Muted, Inactive, Danger, OK, Sim, White = p.Muted, p.Inactive, p.Danger, p.OK, p.Sim, p.White
}

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
