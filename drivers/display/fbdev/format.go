package fbdev

import (
	"encoding/binary"
	"fmt"
	"image"
)

// Bitfield is one colour channel of a pixel (struct fb_bitfield).
type Bitfield struct {
	Offset   uint32 // beginning of the channel, in bits from the least significant bit
	Length   uint32 // length of the channel, in bits
	MSBRight uint32 // != 0: most significant bit is right (not supported)
}

// VarScreenInfo is struct fb_var_screeninfo (include/uapi/linux/fb.h): 40
// 32-bit fields, the same on every architecture.
type VarScreenInfo struct {
	XRes, YRes               uint32 // visible resolution
	XResVirtual, YResVirtual uint32 // virtual resolution
	XOffset, YOffset         uint32 // visible area's origin in the virtual one
	BitsPerPixel             uint32
	Grayscale                uint32
	Red, Green, Blue, Transp Bitfield
	Nonstd                   uint32
	Activate                 uint32
	Height, Width            uint32 // physical size in mm
	AccelFlags               uint32
	Pixclock                 uint32
	LeftMargin, RightMargin  uint32
	UpperMargin, LowerMargin uint32
	HsyncLen, VsyncLen       uint32
	Sync, Vmode              uint32
	Rotate                   uint32
	Colorspace               uint32
	Reserved                 [4]uint32
}

// FixScreenInfo is struct fb_fix_screeninfo; unsigned long fields are
// uintptr, so the layout matches the kernel's on 32- and 64-bit targets.
type FixScreenInfo struct {
	ID           [16]byte
	SmemStart    uintptr
	SmemLen      uint32
	Type         uint32
	TypeAux      uint32
	Visual       uint32
	XPanStep     uint16
	YPanStep     uint16
	YWrapStep    uint16
	LineLength   uint32 // bytes per line: the stride
	MMIOStart    uintptr
	MMIOLen      uint32
	Accel        uint32
	Capabilities uint16
	Reserved     [2]uint16
}

// pixelFormat says how one RGBA pixel becomes framebuffer bytes.
type pixelFormat int

const (
	formatBGRX32  pixelFormat = iota + 1 // efifb, QEMU: blue in the low byte
	formatRGBX32                         // red in the low byte: a plain copy
	formatRGB565                         // red in the top 5 bits
	formatGeneric                        // any other 8/16/24/32-bit layout, per pixel
)

// converter copies rectangles of an *image.RGBA into framebuffer memory.
type converter struct {
	format         pixelFormat
	bytesPerPixel  int
	red, grn, blu  Bitfield
	transp         Bitfield
	stride         int // bytes per framebuffer line
	originX, origY int // visible area's origin in the virtual resolution
}

func newConverter(v VarScreenInfo, lineLength int) (*converter, error) {
	if v.BitsPerPixel%8 != 0 || v.BitsPerPixel < 16 || v.BitsPerPixel > 32 {
		return nil, fmt.Errorf("fbdev: %d bits per pixel not supported (need 16, 24 or 32)", v.BitsPerPixel)
	}
	if v.Grayscale != 0 {
		return nil, fmt.Errorf("fbdev: grayscale/FOURCC framebuffers not supported")
	}
	for _, b := range []Bitfield{v.Red, v.Green, v.Blue} {
		if b.MSBRight != 0 || b.Length == 0 || b.Length > 8 || b.Offset+b.Length > v.BitsPerPixel {
			return nil, fmt.Errorf("fbdev: colour bitfield %+v not supported", b)
		}
	}
	c := &converter{
		bytesPerPixel: int(v.BitsPerPixel / 8),
		red:           v.Red, grn: v.Green, blu: v.Blue, transp: v.Transp,
		stride:  lineLength,
		originX: int(v.XOffset), origY: int(v.YOffset),
	}
	if lineLength < int(v.XRes)*c.bytesPerPixel {
		return nil, fmt.Errorf("fbdev: line length %d shorter than %d pixels of %d bytes", lineLength, v.XRes, c.bytesPerPixel)
	}
	c.format = formatGeneric
	is8 := func(b Bitfield, off uint32) bool { return b.Offset == off && b.Length == 8 }
	switch {
	case v.BitsPerPixel == 32 && is8(v.Red, 16) && is8(v.Green, 8) && is8(v.Blue, 0):
		c.format = formatBGRX32
	case v.BitsPerPixel == 32 && is8(v.Red, 0) && is8(v.Green, 8) && is8(v.Blue, 16):
		c.format = formatRGBX32
	case v.BitsPerPixel == 16 && v.Red == (Bitfield{Offset: 11, Length: 5}) &&
		v.Green == (Bitfield{Offset: 5, Length: 6}) && v.Blue == (Bitfield{Offset: 0, Length: 5}):
		c.format = formatRGB565
	}
	return c, nil
}

// copyRect converts r (in screen coordinates, already clipped to the frame
// and the screen) from src into dst, the whole framebuffer memory.
func (c *converter) copyRect(dst []byte, src *image.RGBA, r image.Rectangle) {
	w := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		s := src.Pix[src.PixOffset(r.Min.X, y):]
		s = s[:4*w]
		off := (c.origY+y-src.Rect.Min.Y)*c.stride + (c.originX+r.Min.X-src.Rect.Min.X)*c.bytesPerPixel
		d := dst[off : off+w*c.bytesPerPixel]
		switch c.format {
		case formatBGRX32:
			rowBGRX(d, s)
		case formatRGBX32:
			copy(d, s)
		case formatRGB565:
			rowRGB565(d, s)
		default:
			c.rowGeneric(d, s)
		}
	}
}

// rowBGRX converts RGBA to BGRX two pixels per 64-bit word: R and B swap
// places, G and A stay. Little-endian loads make byte 0 the low byte.
func rowBGRX(d, s []byte) {
	n := len(s) / 8 * 8
	d = d[:len(s)]
	for i := 0; i < n; i += 8 {
		v := binary.LittleEndian.Uint64(s[i : i+8])
		v = v&0xff00ff00ff00ff00 | (v>>16)&0x000000ff000000ff | (v&0x000000ff000000ff)<<16
		binary.LittleEndian.PutUint64(d[i:i+8], v)
	}
	if n < len(s) {
		d[n], d[n+1], d[n+2], d[n+3] = s[n+2], s[n+1], s[n], s[n+3]
	}
}

// rowRGB565 packs RGBA into 5-6-5 bits, two pixels per iteration.
func rowRGB565(d, s []byte) {
	px := len(s) / 4
	d = d[:2*px]
	i := 0
	for ; i+1 < px; i += 2 {
		v := binary.LittleEndian.Uint64(s[4*i : 4*i+8])
		p0 := uint32(v&0xf8)<<8 | uint32(v>>8&0xfc)<<3 | uint32(v>>16&0xf8)>>3
		p1 := uint32(v>>32&0xf8)<<8 | uint32(v>>40&0xfc)<<3 | uint32(v>>48&0xf8)>>3
		binary.LittleEndian.PutUint32(d[2*i:2*i+4], p0|p1<<16)
	}
	if i < px {
		p := uint16(s[4*i]&0xf8)<<8 | uint16(s[4*i+1]&0xfc)<<3 | uint16(s[4*i+2])>>3
		binary.LittleEndian.PutUint16(d[2*i:], p)
	}
}

// rowGeneric handles any channel layout of up to 8 bits per channel, one
// pixel at a time.
func (c *converter) rowGeneric(d, s []byte) {
	bpp := c.bytesPerPixel
	for i, j := 0, 0; i+3 < len(s); i, j = i+4, j+bpp {
		v := uint32(s[i])>>(8-c.red.Length)<<c.red.Offset |
			uint32(s[i+1])>>(8-c.grn.Length)<<c.grn.Offset |
			uint32(s[i+2])>>(8-c.blu.Length)<<c.blu.Offset
		if c.transp.Length > 0 && c.transp.Length <= 8 {
			v |= uint32(0xff) >> (8 - c.transp.Length) << c.transp.Offset
		}
		for k := 0; k < bpp; k++ {
			d[j+k] = byte(v >> (8 * k))
		}
	}
}
