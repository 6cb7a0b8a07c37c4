package fbdev

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// Fake variable screen infos, as the kernel reports them.
var (
	// efifb under QEMU -vga std: BGRX, stride 5120 at 1280 px.
	efifbInfo = VarScreenInfo{
		XRes: 1280, YRes: 800, XResVirtual: 1280, YResVirtual: 800, BitsPerPixel: 32,
		Red: Bitfield{Offset: 16, Length: 8}, Green: Bitfield{Offset: 8, Length: 8}, Blue: Bitfield{Offset: 0, Length: 8},
	}
	rgb565Info = VarScreenInfo{
		XRes: 800, YRes: 480, XResVirtual: 800, YResVirtual: 960, BitsPerPixel: 16,
		Red: Bitfield{Offset: 11, Length: 5}, Green: Bitfield{Offset: 5, Length: 6}, Blue: Bitfield{Offset: 0, Length: 5},
	}
)

func testFrame(w, h int) *image.RGBA {
	f := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 0xff})
		}
	}
	return f
}

// pixel decodes the framebuffer pixel at (x, y) of the visible area into
// 8-bit RGB, independently of the converter (straight from the bitfields).
func pixel(mem []byte, v VarScreenInfo, stride, x, y int) (r, g, b uint8) {
	bpp := int(v.BitsPerPixel / 8)
	off := (int(v.YOffset)+y)*stride + (int(v.XOffset)+x)*bpp
	var p uint32
	for k := 0; k < bpp; k++ {
		p |= uint32(mem[off+k]) << (8 * k)
	}
	ch := func(bf Bitfield) uint8 {
		c := (p >> bf.Offset) & (1<<bf.Length - 1)
		return uint8(c << (8 - bf.Length))
	}
	return ch(v.Red), ch(v.Green), ch(v.Blue)
}

func TestPresentFormats(t *testing.T) {
	bgr565 := rgb565Info
	bgr565.Red, bgr565.Blue = bgr565.Blue, bgr565.Red
	rgbx := efifbInfo
	rgbx.Red, rgbx.Blue = rgbx.Blue, rgbx.Red
	rgb24 := VarScreenInfo{XRes: 33, YRes: 9, XResVirtual: 33, YResVirtual: 9, BitsPerPixel: 24,
		Red: Bitfield{Offset: 16, Length: 8}, Green: Bitfield{Offset: 8, Length: 8}, Blue: Bitfield{Offset: 0, Length: 8}}
	panned := efifbInfo // double-buffered: the visible area is the second half
	panned.XRes, panned.YRes, panned.XResVirtual, panned.YResVirtual, panned.YOffset = 64, 40, 64, 80, 40
	for _, tt := range []struct {
		name   string
		v      VarScreenInfo
		stride int
		format pixelFormat
	}{
		{"efifb BGRX32", efifbInfo, 5120, formatBGRX32},
		{"BGRX32 odd width, padded stride", VarScreenInfo{XRes: 37, YRes: 5, XResVirtual: 37, YResVirtual: 5, BitsPerPixel: 32, Red: efifbInfo.Red, Green: efifbInfo.Green, Blue: efifbInfo.Blue}, 37*4 + 12, formatBGRX32},
		{"RGBX32", rgbx, 5120, formatRGBX32},
		{"RGB565 virtual 2x height", rgb565Info, 1600, formatRGB565},
		{"RGB565 odd width", VarScreenInfo{XRes: 7, YRes: 3, XResVirtual: 7, YResVirtual: 3, BitsPerPixel: 16, Red: rgb565Info.Red, Green: rgb565Info.Green, Blue: rgb565Info.Blue}, 16, formatRGB565},
		{"BGR565 (generic)", bgr565, 1600, formatGeneric},
		{"RGB24 (generic)", rgb24, 33*3 + 1, formatGeneric},
		{"panned BGRX32", panned, 64 * 4, formatBGRX32},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mem := make([]byte, tt.stride*int(max(tt.v.YResVirtual, tt.v.YRes)))
			for i := range mem {
				mem[i] = 0xaa // so untouched pixels are recognisable
			}
			s, err := NewMemory(mem, tt.v, tt.stride)
			if err != nil {
				t.Fatal(err)
			}
			if s.conv.format != tt.format {
				t.Errorf("format = %d, want %d", s.conv.format, tt.format)
			}
			w, h := int(tt.v.XRes), int(tt.v.YRes)
			frame := testFrame(w, h)
			dirty := image.Rect(w/4, h/4, w/2+1, h/2+1)
			if err := s.Present(frame, dirty); err != nil {
				t.Fatal(err)
			}
			shift := func(c uint8, l uint32) uint8 { return c >> (8 - l) << (8 - l) }
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					r, g, b := pixel(mem, tt.v, tt.stride, x, y)
					in := image.Pt(x, y).In(dirty)
					c := frame.RGBAAt(x, y)
					want := [3]uint8{shift(c.R, tt.v.Red.Length), shift(c.G, tt.v.Green.Length), shift(c.B, tt.v.Blue.Length)}
					if in && [3]uint8{r, g, b} != want {
						t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, [3]uint8{r, g, b}, want)
					}
					if !in {
						bpp := int(tt.v.BitsPerPixel / 8)
						off := (int(tt.v.YOffset)+y)*tt.stride + (int(tt.v.XOffset)+x)*bpp
						if mem[off] != 0xaa {
							t.Fatalf("pixel (%d,%d) outside the dirty rect was written", x, y)
						}
					}
				}
			}
			// Stride padding and the hidden half of the virtual screen stay untouched.
			rowEnd := w * int(tt.v.BitsPerPixel/8)
			for y := 0; y < int(tt.v.YResVirtual); y++ {
				for i := rowEnd; i < tt.stride; i++ {
					if mem[y*tt.stride+i] != 0xaa {
						t.Fatalf("stride padding of line %d written", y)
					}
				}
			}
			// An empty dirty rect means the whole frame.
			if err := s.Present(frame, image.Rectangle{}); err != nil {
				t.Fatal(err)
			}
			r, g, b := pixel(mem, tt.v, tt.stride, w-1, h-1)
			c := frame.RGBAAt(w-1, h-1)
			if want := [3]uint8{shift(c.R, tt.v.Red.Length), shift(c.G, tt.v.Green.Length), shift(c.B, tt.v.Blue.Length)}; [3]uint8{r, g, b} != want {
				t.Errorf("full present: last pixel = %v, want %v", [3]uint8{r, g, b}, want)
			}
		})
	}
}

func TestNewMemoryRejects(t *testing.T) {
	for _, tt := range []struct {
		name   string
		v      VarScreenInfo
		stride int
		mem    int
	}{
		{"8 bpp", VarScreenInfo{XRes: 8, YRes: 8, BitsPerPixel: 8}, 8, 64},
		{"stride too short", efifbInfo, 1280 * 3, 5120 * 800},
		{"memory too small", efifbInfo, 5120, 5120 * 799},
		{"offset outside virtual", VarScreenInfo{XRes: 10, YRes: 10, XResVirtual: 10, YResVirtual: 10, YOffset: 5, BitsPerPixel: 32, Red: efifbInfo.Red, Green: efifbInfo.Green, Blue: efifbInfo.Blue}, 40, 4000},
		{"grayscale", VarScreenInfo{XRes: 8, YRes: 8, BitsPerPixel: 16, Grayscale: 1, Red: rgb565Info.Red, Green: rgb565Info.Green, Blue: rgb565Info.Blue}, 16, 128},
	} {
		if _, err := NewMemory(make([]byte, tt.mem), tt.v, tt.stride); err == nil {
			t.Errorf("%s: NewMemory succeeded, want an error", tt.name)
		}
	}
}

func TestPresentClipsAndCloses(t *testing.T) {
	v := VarScreenInfo{XRes: 16, YRes: 8, XResVirtual: 16, YResVirtual: 8, BitsPerPixel: 32, Red: efifbInfo.Red, Green: efifbInfo.Green, Blue: efifbInfo.Blue}
	mem := make([]byte, 16*4*8)
	s, err := NewMemory(mem, v, 64)
	if err != nil {
		t.Fatal(err)
	}
	// A frame larger than the screen and a dirty rect beyond it must not
	// write outside the framebuffer.
	big := testFrame(40, 40)
	if err := s.Present(big, image.Rect(10, 5, 100, 100)); err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint32(mem[(7*16+15)*4:]); got == 0 {
		t.Errorf("bottom-right pixel not drawn")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Present(big, image.Rectangle{}); err == nil {
		t.Errorf("Present after Close succeeded")
	}
}

func benchmarkPresent(b *testing.B, v VarScreenInfo, stride int, dirty image.Rectangle) {
	mem := make([]byte, stride*int(v.YResVirtual))
	s, err := NewMemory(mem, v, stride)
	if err != nil {
		b.Fatal(err)
	}
	frame := testFrame(int(v.XRes), int(v.YRes))
	r := frame.Rect
	if !dirty.Empty() {
		r = dirty
	}
	b.SetBytes(int64(r.Dx() * r.Dy() * 4))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Present(frame, dirty); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresentBGRX32Full1280x800(b *testing.B) {
	benchmarkPresent(b, efifbInfo, 5120, image.Rectangle{})
}

func BenchmarkPresentBGRX32Tile316x318(b *testing.B) {
	benchmarkPresent(b, efifbInfo, 5120, image.Rect(100, 100, 416, 418))
}

func BenchmarkPresentRGB565Full800x480(b *testing.B) {
	benchmarkPresent(b, rgb565Info, 1600, image.Rectangle{})
}

func BenchmarkPresentRGB565Full1280x800(b *testing.B) {
	v := rgb565Info
	v.XRes, v.YRes, v.XResVirtual, v.YResVirtual = 1280, 800, 1280, 800
	benchmarkPresent(b, v, 2560, image.Rectangle{})
}

func BenchmarkPresentGenericBGR565Full800x480(b *testing.B) {
	v := rgb565Info
	v.Red, v.Blue = v.Blue, v.Red
	benchmarkPresent(b, v, 1600, image.Rectangle{})
}
