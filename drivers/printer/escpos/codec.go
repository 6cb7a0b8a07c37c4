package escpos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
)

// Command bytes.
const (
	esc = 0x1B
	gs  = 0x1D
	dle = 0x10
	eot = 0x04
)

// maxBandRows bounds one GS v 0 command: printers buffer a limited raster,
// so tall pages go out in bands.
const maxBandRows = 256

// Init is ESC @.
var Init = []byte{esc, '@'}

// Cut is GS V 66 n: feed to the cutter and partial cut.
var Cut = []byte{gs, 'V', 66, 0}

// StatusQuery returns DLE EOT n.
func StatusQuery(n byte) []byte { return []byte{dle, eot, n} }

// isDark reports whether a pixel prints: luma below half.
func isDark(c color.Color) bool {
	return color.GrayModel.Convert(c).(color.Gray).Y < 128
}

// AppendRaster appends img as GS v 0 bands of at most maxBandRows rows,
// widthDots wide (the image is cropped or padded white to that width).
func AppendRaster(b []byte, img image.Image, widthDots int) []byte {
	bounds := img.Bounds()
	wBytes := (widthDots + 7) / 8
	gray, isGray := img.(*image.Gray)
	for y0 := bounds.Min.Y; y0 < bounds.Max.Y; y0 += maxBandRows {
		rows := min(maxBandRows, bounds.Max.Y-y0)
		b = append(b, gs, 'v', '0', 0, byte(wBytes), byte(wBytes>>8), byte(rows), byte(rows>>8))
		for y := y0; y < y0+rows; y++ {
			for xb := range wBytes {
				var v byte
				for bit := range 8 {
					x := bounds.Min.X + xb*8 + bit
					if x >= bounds.Max.X || xb*8+bit >= widthDots {
						continue
					}
					var dark bool
					if isGray {
						dark = gray.Pix[gray.PixOffset(x, y)] < 128
					} else {
						dark = isDark(img.At(x, y))
					}
					if dark {
						v |= 0x80 >> bit
					}
				}
				b = append(b, v)
			}
		}
	}
	return b
}

// EncodeJob returns the bytes of one job: ESC @, the raster, and a cut.
func EncodeJob(img image.Image, widthDots int, cut bool) []byte {
	b := append([]byte(nil), Init...)
	b = AppendRaster(b, img, widthDots)
	if cut {
		b = append(b, Cut...)
	}
	return b
}

// Page is one decoded page: the raster bands between an ESC @ and a cut.
type Page struct {
	Image *image.Gray // white background, black printed dots
	Cut   bool
}

// Decode parses an ESC/POS byte stream of the commands in the package doc
// into pages. Real-time status queries are skipped; any other command is an
// error naming its offset, since the kiosk never sends one.
func Decode(stream []byte) ([]Page, error) {
	var pages []Page
	var bands []*image.Gray
	flush := func(cut bool) {
		if len(bands) == 0 && !cut {
			return
		}
		pages = append(pages, Page{Image: stack(bands), Cut: cut})
		bands = nil
	}
	for i := 0; i < len(stream); {
		rest := stream[i:]
		switch {
		case bytes.HasPrefix(rest, Init):
			flush(false)
			i += 2
		case len(rest) >= 3 && rest[0] == dle && rest[1] == eot:
			if rest[2] < 1 || rest[2] > 4 {
				return pages, fmt.Errorf("escpos: decode: DLE EOT %d at offset %d: n must be 1–4", rest[2], i)
			}
			i += 3
		case len(rest) >= 4 && rest[0] == gs && rest[1] == 'V':
			switch rest[2] {
			case 65, 66:
				i += 4
			case 0, 1, 48, 49:
				i += 3
			default:
				return pages, fmt.Errorf("escpos: decode: GS V %d at offset %d: unknown cut mode", rest[2], i)
			}
			flush(true)
		case len(rest) >= 3 && rest[0] == gs && rest[1] == 'V':
			return pages, fmt.Errorf("escpos: decode: GS V cut at offset %d is cut short", i)
		case len(rest) >= 2 && rest[0] == gs && rest[1] == 'v':
			if len(rest) < 8 || rest[2] != '0' {
				return pages, fmt.Errorf("escpos: decode: GS v at offset %d: expected GS v 0 m xL xH yL yH", i)
			}
			if rest[3] > 3 && (rest[3] < 48 || rest[3] > 51) {
				return pages, fmt.Errorf("escpos: decode: GS v 0 at offset %d: mode %d", i, rest[3])
			}
			wb := int(rest[4]) | int(rest[5])<<8
			h := int(rest[6]) | int(rest[7])<<8
			n := wb * h
			if wb == 0 || h == 0 || wb > 256 || len(rest) < 8+n {
				return pages, fmt.Errorf("escpos: decode: GS v 0 at offset %d: %d×%d bytes of raster, %d available", i, wb, h, len(rest)-8)
			}
			bands = append(bands, unpack(rest[8:8+n], wb, h))
			i += 8 + n
		default:
			return pages, fmt.Errorf("escpos: decode: unexpected byte 0x%02X at offset %d", rest[0], i)
		}
	}
	flush(false)
	return pages, nil
}

func unpack(d []byte, wb, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, wb*8, h))
	for y := range h {
		for xb := range wb {
			v := d[y*wb+xb]
			for bit := range 8 {
				c := uint8(255)
				if v&(0x80>>bit) != 0 {
					c = 0
				}
				img.Pix[y*img.Stride+xb*8+bit] = c
			}
		}
	}
	return img
}

func stack(bands []*image.Gray) *image.Gray {
	w, h := 0, 0
	for _, b := range bands {
		w = max(w, b.Bounds().Dx())
		h += b.Bounds().Dy()
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	y := 0
	for _, b := range bands {
		for row := range b.Bounds().Dy() {
			copy(img.Pix[(y+row)*img.Stride:], b.Pix[row*b.Stride:row*b.Stride+b.Bounds().Dx()])
		}
		y += b.Bounds().Dy()
	}
	return img
}

// ErrNoPage is returned by RenderFile for a stream without raster data.
var ErrNoPage = errors.New("escpos: no printed page in the stream")

// RenderFile decodes the ESC/POS job in binPath and writes its first page
// as a PNG to pngPath (what `mitractl receipt render` does).
func RenderFile(binPath, pngPath string) error {
	b, err := os.ReadFile(binPath)
	if err != nil {
		return fmt.Errorf("escpos: render: %w", err)
	}
	pages, err := Decode(b)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if p.Image.Bounds().Dy() > 0 {
			return writePNG(pngPath, p.Image)
		}
	}
	return ErrNoPage
}

func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("escpos: png: %w", err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// WritePNG writes img as a PNG file.
func WritePNG(path string, img image.Image) error { return writePNG(path, img) }
