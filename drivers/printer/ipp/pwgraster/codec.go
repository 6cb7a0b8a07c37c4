package pwgraster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// Compression limits (PWG 5102.4 §4.3.2): a line may be repeated up to 256
// times and a run covers 1 to 128 pixels.
const (
	maxLineRepeat = 256
	maxRun        = 128
)

// flushAt is how much compressed data the encoder gathers before writing,
// so that a page goes out in a few large writes, not one per line.
const flushAt = 64 << 10

// Encoder writes a PWG raster stream: the sync word, then one header and
// compressed bitmap per page.
type Encoder struct {
	w          io.Writer
	wroteSync  bool
	line, prev []byte
	out        []byte
}

// NewEncoder returns an encoder that writes to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// Encode writes img as one page. h gives the resolution, page size, copies
// and names; Encode sets the geometry fields (Width, Height, BitsPerColor,
// BitsPerPixel, BytesPerLine, NumColors) from img and h.ColorSpace, which
// must be Black, SGray or SRGB.
//
// Transparent pixels print as white (paper), as if img were drawn on a
// white sheet. Black pages threshold luma at 50%.
func (e *Encoder) Encode(img image.Image, h Header) error {
	b := img.Bounds()
	if b.Empty() {
		return errors.New("pwgraster: encode: empty image")
	}
	h.Width, h.Height = uint32(b.Dx()), uint32(b.Dy())
	switch h.ColorSpace {
	case Black:
		h.BitsPerColor, h.NumColors = 1, 1
	case SGray:
		h.BitsPerColor, h.NumColors = 8, 1
	case SRGB:
		h.BitsPerColor, h.NumColors = 8, 3
	default:
		return fmt.Errorf("pwgraster: encode: colour space %d; want Black (3), SGray (18) or SRGB (19)", h.ColorSpace)
	}
	h.BitsPerPixel = h.BitsPerColor * h.NumColors
	h.BytesPerLine = (h.Width*h.BitsPerPixel + 7) / 8
	hdr, err := h.MarshalBinary()
	if err != nil {
		return err
	}
	if !e.wroteSync {
		e.out = append(e.out, SyncWord...)
		e.wroteSync = true
	}
	e.out = append(e.out, hdr...)

	n := int(h.BytesPerLine)
	if cap(e.line) < n {
		e.line, e.prev = make([]byte, n), make([]byte, n)
	}
	line, prev := e.line[:n], e.prev[:n]
	unit := h.bytesPerPixelUnit()
	repeat := 0 // lines identical to prev not yet written
	for y := b.Min.Y; y < b.Max.Y; y++ {
		convertLine(line, img, y, h.ColorSpace)
		if repeat > 0 && repeat < maxLineRepeat && bytes.Equal(line, prev) {
			repeat++
			continue
		}
		if repeat > 0 {
			e.out = appendLine(e.out, prev, repeat, unit)
			if len(e.out) >= flushAt {
				if err := e.flush(); err != nil {
					return err
				}
			}
		}
		line, prev = prev, line
		repeat = 1
	}
	e.out = appendLine(e.out, prev, repeat, unit)
	return e.flush()
}

func (e *Encoder) flush() error {
	_, err := e.w.Write(e.out)
	e.out = e.out[:0]
	if err != nil {
		return fmt.Errorf("pwgraster: encode: %w", err)
	}
	return nil
}

// appendLine appends the line-repeat byte and the compressed line.
func appendLine(out, line []byte, repeat, unit int) []byte {
	out = append(out, byte(repeat-1))
	npix := len(line) / unit
	// same reports whether pixels i and j are equal; specialised because
	// this comparison is the encoder's inner loop.
	var same func(i, j int) bool
	switch unit {
	case 1:
		same = func(i, j int) bool { return line[i] == line[j] }
	case 3:
		same = func(i, j int) bool {
			return line[3*i] == line[3*j] && line[3*i+1] == line[3*j+1] && line[3*i+2] == line[3*j+2]
		}
	default:
		same = func(i, j int) bool { return bytes.Equal(line[i*unit:(i+1)*unit], line[j*unit:(j+1)*unit]) }
	}
	for i := 0; i < npix; {
		// A run of identical pixels: count byte n means n+1 copies.
		run := 1
		for i+run < npix && run < maxRun && same(i+run, i) {
			run++
		}
		if run > 1 || i+1 == npix {
			out = append(out, byte(run-1))
			out = append(out, line[i*unit:(i+1)*unit]...)
			i += run
			continue
		}
		// Literal pixels up to the next pair of equal ones: count byte
		// 257-n means n literal pixels follow (n ≥ 2).
		lit := 1
		for i+lit < npix && lit < maxRun {
			if i+lit+1 < npix && same(i+lit, i+lit+1) {
				break
			}
			lit++
		}
		if lit == 1 {
			out = append(out, 0)
		} else {
			out = append(out, byte(257-lit))
		}
		out = append(out, line[i*unit:(i+lit)*unit]...)
		i += lit
	}
	return out
}

// convertLine fills dst with row y of img in colour space cs.
func convertLine(dst []byte, img image.Image, y int, cs ColorSpace) {
	b := img.Bounds()
	switch cs {
	case SGray:
		grayLine(dst, img, y)
	case Black:
		clear(dst)
		if g, ok := img.(*image.Gray); ok {
			row := g.Pix[g.PixOffset(b.Min.X, y):]
			for x := range b.Dx() {
				if row[x] < 128 {
					dst[x>>3] |= 0x80 >> (x & 7)
				}
			}
			return
		}
		for x := range b.Dx() {
			if grayAt(img, b.Min.X+x, y) < 128 {
				dst[x>>3] |= 0x80 >> (x & 7) // MSB is the leftmost pixel, 1 is black
			}
		}
	case SRGB:
		if m, ok := img.(*image.RGBA); ok {
			row := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range b.Dx() {
				p := row[4*x : 4*x+4]
				w := 255 - p[3] // premultiplied over white paper
				dst[3*x], dst[3*x+1], dst[3*x+2] = p[0]+w, p[1]+w, p[2]+w
			}
			return
		}
		for x := range b.Dx() {
			r, g, bl := rgbOverWhite(img.At(b.Min.X+x, y))
			dst[3*x], dst[3*x+1], dst[3*x+2] = byte(r>>8), byte(g>>8), byte(bl>>8)
		}
	}
}

func grayLine(dst []byte, img image.Image, y int) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		copy(dst, m.Pix[m.PixOffset(b.Min.X, y):])
	case *image.RGBA:
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range dst {
			p := row[4*x : 4*x+4]
			w := uint32(255 - p[3])
			dst[x] = luma16((uint32(p[0])+w)*0x101, (uint32(p[1])+w)*0x101, (uint32(p[2])+w)*0x101)
		}
	default:
		for x := range dst {
			dst[x] = grayAt(img, b.Min.X+x, y)
		}
	}
}

// rgbOverWhite composites a colour over white paper, in 16-bit channels.
func rgbOverWhite(c color.Color) (r, g, b uint32) {
	r, g, b, a := c.RGBA()
	w := 0xffff - a
	return r + w, g + w, b + w
}

func grayAt(img image.Image, x, y int) byte {
	return luma16(rgbOverWhite(img.At(x, y)))
}

// luma16 is color.GrayModel's formula (ITU-R BT.601 weights) on 16-bit channels.
func luma16(r, g, b uint32) byte {
	return byte((19595*r + 38470*g + 7471*b + 1<<15) >> 24)
}

// DefaultMaxPixels bounds the pages a Decoder accepts: A3 at 600 dpi.
const DefaultMaxPixels = 7016 * 9922

// Decoder reads a PWG raster stream page by page.
type Decoder struct {
	r         *bufio.Reader
	readSync  bool
	MaxPixels int64 // pages larger than this are refused; DefaultMaxPixels if 0
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{r: bufio.NewReader(r)} }

// Next decodes the next page. It returns io.EOF after the last page. Black
// and SGray pages decode to *image.Gray (Black as 0 and 255), SRGB pages to
// *image.RGBA.
func (d *Decoder) Next() (*Header, image.Image, error) {
	if !d.readSync {
		var sync [4]byte
		if _, err := io.ReadFull(d.r, sync[:]); err != nil {
			return nil, nil, fmt.Errorf("pwgraster: decode: sync word: %w", unexpected(err))
		}
		if string(sync[:]) != SyncWord {
			return nil, nil, fmt.Errorf("pwgraster: decode: sync word %q, want %q (is this CUPS raster or not raster at all?)", sync[:], SyncWord)
		}
		d.readSync = true
	}
	hb := make([]byte, HeaderLen)
	if n, err := io.ReadFull(d.r, hb); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, nil, io.EOF
		}
		return nil, nil, fmt.Errorf("pwgraster: decode: page header: %w", unexpected(err))
	}
	h := new(Header)
	if err := h.UnmarshalBinary(hb); err != nil {
		return nil, nil, err
	}
	limit := d.MaxPixels
	if limit <= 0 {
		limit = DefaultMaxPixels
	}
	if int64(h.Width)*int64(h.Height) > limit {
		return nil, nil, fmt.Errorf("pwgraster: decode: page of %d×%d pixels exceeds the limit of %d", h.Width, h.Height, limit)
	}
	rect := image.Rect(0, 0, int(h.Width), int(h.Height))
	var (
		pix    []byte
		stride int
		img    image.Image
		expand func(dst, line []byte)
	)
	switch {
	case h.ColorSpace == Black && h.BitsPerPixel == 1:
		g := image.NewGray(rect)
		img, pix, stride = g, g.Pix, g.Stride
		expand = func(dst, line []byte) {
			for x := range dst {
				if line[x>>3]&(0x80>>(x&7)) != 0 {
					dst[x] = 0
				} else {
					dst[x] = 255
				}
			}
		}
	case h.ColorSpace == SGray && h.BitsPerPixel == 8:
		g := image.NewGray(rect)
		img, pix, stride = g, g.Pix, g.Stride
		expand = func(dst, line []byte) { copy(dst, line) }
	case h.ColorSpace == SRGB && h.BitsPerPixel == 24:
		m := image.NewRGBA(rect)
		img, pix, stride = m, m.Pix, m.Stride
		expand = func(dst, line []byte) {
			for x := range len(line) / 3 {
				dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = line[3*x], line[3*x+1], line[3*x+2], 255
			}
		}
	default:
		return nil, nil, fmt.Errorf("pwgraster: decode: colour space %d with %d bits per pixel is not black_1, sgray_8 or srgb_8", h.ColorSpace, h.BitsPerPixel)
	}
	line := make([]byte, h.BytesPerLine)
	unit := h.bytesPerPixelUnit()
	for y := 0; y < int(h.Height); {
		rep, err := d.r.ReadByte()
		if err != nil {
			return nil, nil, fmt.Errorf("pwgraster: decode: line %d: %w", y, unexpected(err))
		}
		if err := d.readLine(line, unit); err != nil {
			return nil, nil, fmt.Errorf("pwgraster: decode: line %d: %w", y, err)
		}
		count := int(rep) + 1
		if y+count > int(h.Height) {
			return nil, nil, fmt.Errorf("pwgraster: decode: line %d repeated %d times runs past the page height %d", y, count, h.Height)
		}
		for range count {
			expand(pix[y*stride:y*stride+stride], line)
			y++
		}
	}
	return h, img, nil
}

// readLine decompresses one line of exactly len(line) bytes.
func (d *Decoder) readLine(line []byte, unit int) error {
	for x := 0; x < len(line); {
		c, err := d.r.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		switch {
		case c < 128: // c+1 copies of the next pixel
			n := (int(c) + 1) * unit
			if x+n > len(line) {
				return fmt.Errorf("run of %d pixels at byte %d overflows the %d-byte line", int(c)+1, x, len(line))
			}
			if _, err := io.ReadFull(d.r, line[x:x+unit]); err != nil {
				return unexpected(err)
			}
			for i := x + unit; i < x+n; i += unit {
				copy(line[i:i+unit], line[x:x+unit])
			}
			x += n
		case c == 128:
			return errors.New("reserved run count 128")
		default: // 257-c literal pixels
			n := (257 - int(c)) * unit
			if x+n > len(line) {
				return fmt.Errorf("%d literal pixels at byte %d overflow the %d-byte line", 257-int(c), x, len(line))
			}
			if _, err := io.ReadFull(d.r, line[x:x+n]); err != nil {
				return unexpected(err)
			}
			x += n
		}
	}
	return nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
