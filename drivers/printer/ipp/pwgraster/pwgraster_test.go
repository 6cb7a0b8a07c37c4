package pwgraster

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"io"
	"math/rand/v2"
	"testing"
)

// testPage draws text-like noise on white: long white runs, short dark
// strokes, a grey band and some random pixels, so every compression case
// (line repeats, pixel runs, literals) occurs.
func testPage(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = 255
	}
	for y := h / 4; y < h/4+h/10; y++ {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{200, 120, 40, 255})
		}
	}
	for range w * h / 50 {
		x, y := rng.IntN(w), rng.IntN(h)
		v := uint8(rng.IntN(256))
		m.SetRGBA(x, y, color.RGBA{v, v / 2, 255 - v, 255})
	}
	// A half-transparent block must print as if drawn on white paper.
	for y := h - h/8; y < h; y++ {
		for x := range w / 3 {
			m.SetRGBA(x, y, color.RGBA{0, 0, 64, 128})
		}
	}
	return m
}

func roundTrip(t *testing.T, img image.Image, cs ColorSpace) (*Header, image.Image, []byte) {
	t.Helper()
	var buf bytes.Buffer
	hdr := Header{HWResolution: [2]uint32{300, 300}, PageSize: [2]uint32{595, 842}, NumCopies: 1, CrossFeedTransform: 1, FeedTransform: 1, PageSizeName: "iso_a4_210x297mm", ColorSpace: cs}
	if err := NewEncoder(&buf).Encode(img, hdr); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	data := buf.Bytes()
	d := NewDecoder(bytes.NewReader(data))
	h, got, err := d.Next()
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	if _, _, err := d.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("second Next() error = %v, want io.EOF", err)
	}
	return h, got, data
}

func TestRoundTrip(t *testing.T) {
	src := testPage(301, 97, 7) // odd width: black_1 lines end in a partial byte
	for _, tt := range []struct {
		cs   ColorSpace
		want func(x, y int) color.Color
	}{
		{SGray, func(x, y int) color.Color { return color.Gray{grayAt(src, x, y)} }},
		{SRGB, func(x, y int) color.Color {
			r, g, b := rgbOverWhite(src.At(x, y))
			return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
		}},
		{Black, func(x, y int) color.Color {
			if grayAt(src, x, y) < 128 {
				return color.Gray{0}
			}
			return color.Gray{255}
		}},
	} {
		h, got, data := roundTrip(t, src, tt.cs)
		if got, want := got.Bounds(), src.Bounds(); got != want {
			t.Fatalf("cs %d: bounds = %v, want %v", tt.cs, got, want)
		}
		if h.HWResolution != [2]uint32{300, 300} || h.PageSizeName != "iso_a4_210x297mm" || h.PageSize != [2]uint32{595, 842} {
			t.Errorf("cs %d: header = %+v, lost fields", tt.cs, h)
		}
		for y := range 97 {
			for x := range 301 {
				if g, w := color.RGBAModel.Convert(got.At(x, y)), color.RGBAModel.Convert(tt.want(x, y)); g != w {
					t.Fatalf("cs %d: pixel (%d,%d) = %v, want %v", tt.cs, x, y, g, w)
				}
			}
		}
		t.Logf("colour space %d: %d bytes for a %d-byte raw page", tt.cs, len(data), int(h.BytesPerLine)*97)
	}
}

// The gray fast path must agree with the generic one (NRGBA goes through At).
func TestGrayFastPathMatchesGeneric(t *testing.T) {
	src := testPage(64, 40, 3)
	nrgba := image.NewNRGBA(src.Bounds())
	for y := range 40 {
		for x := range 64 {
			nrgba.Set(x, y, src.At(x, y))
		}
	}
	fast, generic := make([]byte, 64), make([]byte, 64)
	for y := range 40 {
		grayLine(fast, src, y)
		for x := range 64 {
			generic[x] = grayAt(src, x, y)
		}
		if !bytes.Equal(fast, generic) {
			t.Fatalf("row %d: fast %v, generic %v", y, fast, generic)
		}
	}
}

// Wire bytes of a tiny sgray_8 page, written out by hand from PWG 5102.4
// §4.3.2, so the encoder is checked against the spec, not against itself.
func TestEncodeWireBytes(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 5, 3))
	copy(img.Pix, []byte{
		9, 9, 9, 1, 2, // run of 3, then 2 literals
		9, 9, 9, 1, 2, // same line: repeat
		7, 7, 7, 7, 7, // run of 5
	})
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(img, Header{ColorSpace: SGray}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if got, want := string(b[:4]), "RaS2"; got != want {
		t.Fatalf("sync = %q, want %q", got, want)
	}
	if got, want := string(b[4:13]), "PwgRaster"; got != want {
		t.Fatalf("MediaClass = %q, want %q", got, want)
	}
	if got, want := b[4+HeaderLen:], []byte{1, 2, 9, 255, 1, 2, 0, 4, 7}; !bytes.Equal(got, want) {
		t.Errorf("bitmap = % x, want % x", got, want)
	}
	for _, f := range []struct {
		off  int
		want uint32
	}{{offWidth, 5}, {offHeight, 3}, {offBitsPerColor, 8}, {offBitsPerPixel, 8}, {offBytesPerLine, 5}, {offColorSpace, 18}, {offNumColors, 1}} {
		hb := b[4:]
		if got := uint32(hb[f.off])<<24 | uint32(hb[f.off+1])<<16 | uint32(hb[f.off+2])<<8 | uint32(hb[f.off+3]); got != f.want {
			t.Errorf("header offset %d = %d, want %d", f.off, got, f.want)
		}
	}
}

func TestLongRunsAndRepeats(t *testing.T) {
	// 300 identical lines (more than one repeat byte can say) of 1000 white
	// pixels (more than one run can say).
	img := image.NewGray(image.Rect(0, 0, 1000, 300))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	_, got, data := roundTrip(t, img, SGray)
	if !bytes.Equal(got.(*image.Gray).Pix, img.Pix) {
		t.Fatal("page differs after round trip")
	}
	// 2 line groups × (1 repeat byte + 8 runs × 2 bytes) after sync and header.
	if got, want := len(data)-4-HeaderLen, 2*(1+8*2); got != want {
		t.Errorf("compressed size = %d, want %d", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	var good bytes.Buffer
	NewEncoder(&good).Encode(image.NewGray(image.Rect(0, 0, 4, 2)), Header{ColorSpace: SGray})
	g := good.Bytes()
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), g...)) }
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"cups raster sync", mut(func(b []byte) []byte { copy(b, "RaS3"); return b })},
		{"truncated header", g[:100]},
		{"truncated bitmap", g[:len(g)-1]},
		{"bad class", mut(func(b []byte) []byte { b[4] = 'X'; return b })},
		{"line overflow", mut(func(b []byte) []byte { b[4+HeaderLen+1] = 10; return b })},
		{"repeat past height", mut(func(b []byte) []byte { b[4+HeaderLen] = 5; return b })},
		{"bad bytes per line", mut(func(b []byte) []byte { b[4+offBytesPerLine+3] = 9; return b })},
	} {
		_, _, err := NewDecoder(bytes.NewReader(tt.in)).Next()
		if err == nil || errors.Is(err, io.EOF) {
			t.Errorf("%s: Next() error = %v, want a decode error", tt.name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	e.Encode(testPage(40, 20, 1), Header{ColorSpace: SRGB})
	e.Encode(testPage(17, 9, 2), Header{ColorSpace: Black})
	f.Add(buf.Bytes())
	buf.Reset()
	NewEncoder(&buf).Encode(testPage(33, 5, 3), Header{ColorSpace: SGray})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		d.MaxPixels = 1 << 12 // keeps each execution fast; the limit itself is tested
		for range 4 {
			h, img, err := d.Next()
			if err != nil {
				return
			}
			// Whatever decodes must re-encode and decode to the same pixels.
			var out bytes.Buffer
			h2 := *h
			if err := NewEncoder(&out).Encode(img, h2); err != nil {
				t.Fatalf("re-encode of a decoded page: %v", err)
			}
			_, img2, err := NewDecoder(&out).Next()
			if err != nil {
				t.Fatalf("decode of re-encoded page: %v", err)
			}
			if img.Bounds() != img2.Bounds() {
				t.Fatalf("bounds %v → %v", img.Bounds(), img2.Bounds())
			}
			for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
				for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
					if a, b := color.RGBAModel.Convert(img.At(x, y)), color.RGBAModel.Convert(img2.At(x, y)); a != b {
						t.Fatalf("pixel (%d,%d) %v → %v", x, y, a, b)
					}
				}
			}
		}
	})
}

// a4Page is a certificate-like A4 page at 300 dpi: white with text-like noise.
func a4Page() *image.RGBA { return testPage(2480, 3508, 42) }

func benchmarkEncode(b *testing.B, img image.Image, cs ColorSpace) {
	raw := int64(img.Bounds().Dx() * img.Bounds().Dy())
	if cs == SRGB {
		raw *= 3
	}
	b.SetBytes(raw)
	var n int
	for b.Loop() {
		var buf bytes.Buffer
		if err := NewEncoder(&buf).Encode(img, Header{ColorSpace: cs, HWResolution: [2]uint32{300, 300}}); err != nil {
			b.Fatal(err)
		}
		n = buf.Len()
	}
	b.ReportMetric(float64(n), "bytes/page")
}

// BenchmarkEncodeA4 reports MB/s of raw page data (2480×3508 at 300 dpi).
func BenchmarkEncodeA4SGrayFromRGBA(b *testing.B) { benchmarkEncode(b, a4Page(), SGray) }
func BenchmarkEncodeA4SRGBFromRGBA(b *testing.B)  { benchmarkEncode(b, a4Page(), SRGB) }
func BenchmarkEncodeA4SGrayFromGray(b *testing.B) {
	src := a4Page()
	g := image.NewGray(src.Bounds())
	for y := range src.Bounds().Dy() {
		grayLine(g.Pix[y*g.Stride:(y+1)*g.Stride], src, y)
	}
	benchmarkEncode(b, g, SGray)
}

func BenchmarkDecodeA4SGray(b *testing.B) {
	var buf bytes.Buffer
	NewEncoder(&buf).Encode(a4Page(), Header{ColorSpace: SGray})
	b.SetBytes(2480 * 3508)
	for b.Loop() {
		if _, _, err := NewDecoder(bytes.NewReader(buf.Bytes())).Next(); err != nil {
			b.Fatal(err)
		}
	}
}
