// Package typeface embeds the fonts Mitra draws with — Noto Sans for Latin
// text and Noto Sans Devanagari for Hindi — so that the kiosk never depends on
// fonts installed on the machine (a gokrazy image has none).
//
// The UI theme (ui/theme) and the receipt renderer (appliance/receipt) both
// take their font bytes from here, so a receipt shapes Hindi exactly like the
// screen does. The fonts are under the SIL Open Font License 1.1
// (fonts/COPYRIGHT-debian.txt).
package typeface

import _ "embed"

// Font files, as TrueType bytes.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	LatinRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	LatinBold []byte
	//go:embed fonts/NotoSansDevanagari-Regular.ttf
	DevanagariRegular []byte
	//go:embed fonts/NotoSansDevanagari-Bold.ttf
	DevanagariBold []byte
)
