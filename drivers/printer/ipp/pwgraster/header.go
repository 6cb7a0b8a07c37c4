package pwgraster

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// SyncWord starts every PWG raster stream (PWG 5102.4 §4.1).
const SyncWord = "RaS2"

// HeaderLen is the size of a page header (PWG 5102.4 §4.3).
const HeaderLen = 1796

// ColorSpace is the cupsColorSpace field (PWG 5102.4 §4.3.1.26).
type ColorSpace uint32

// Colour spaces this package encodes; the names are those of the IPP
// pwg-raster-document-type-supported keywords.
const (
	Black ColorSpace = 3  // black_1: 1 bit, 1 = black
	SGray ColorSpace = 18 // sgray_8: 8 bits, 0 = black, 255 = white
	SRGB  ColorSpace = 19 // srgb_8: 3×8 bits, chunky RGB
)

// Byte offsets of the header fields PWG raster uses. The layout is CUPS'
// cups_page_header2_t, big-endian; PWG 5102.4 Table 1 names each field and
// requires every other byte to be zero.
const (
	offPwgRaster            = 0    // "PwgRaster", NUL-padded string[64]
	offMediaColor           = 64   // string[64]
	offMediaType            = 128  // string[64]
	offPrintContentOptimize = 192  // string[64]
	offCutMedia             = 268  // uint32
	offDuplex               = 272  // boolean
	offHWResolution         = 276  // uint32[2], dpi
	offInsertSheet          = 300  // uint32
	offJog                  = 304  // uint32
	offLeadingEdge          = 308  // uint32
	offMediaPosition        = 324  // uint32
	offMediaWeightMetric    = 328  // uint32, g/m²
	offNumCopies            = 340  // uint32
	offOrientation          = 344  // uint32
	offPageSize             = 352  // uint32[2], points
	offTumble               = 368  // boolean
	offWidth                = 372  // uint32, pixels
	offHeight               = 376  // uint32, lines
	offBitsPerColor         = 384  // uint32
	offBitsPerPixel         = 388  // uint32
	offBytesPerLine         = 392  // uint32
	offColorOrder           = 396  // uint32, 0 = chunky (the only one PWG allows)
	offColorSpace           = 400  // uint32
	offNumColors            = 420  // uint32
	offTotalPageCount       = 452  // uint32
	offCrossFeedTransform   = 456  // int32
	offFeedTransform        = 460  // int32
	offImageBoxLeft         = 464  // uint32
	offImageBoxTop          = 468  // uint32
	offImageBoxRight        = 472  // uint32
	offImageBoxBottom       = 476  // uint32
	offAlternatePrimary     = 480  // uint32, sRGB
	offPrintQuality         = 484  // uint32, 3 draft, 4 normal, 5 high
	offVendorIdentifier     = 508  // uint32
	offVendorLength         = 512  // uint32
	offVendorData           = 516  // [1088]byte
	offRenderingIntent      = 1668 // string[64]
	offPageSizeName         = 1732 // string[64]
	stringFieldLen          = 64
	vendorDataLen           = 1088
)

// Header is a page header. Fields not listed are written as zero, as PWG
// 5102.4 requires.
type Header struct {
	MediaColor           string
	MediaType            string
	PrintContentOptimize string
	CutMedia             uint32
	Duplex               bool
	HWResolution         [2]uint32 // dots per inch, cross-feed and feed
	InsertSheet          uint32
	Jog                  uint32
	LeadingEdge          uint32
	MediaPosition        uint32
	MediaWeightMetric    uint32
	NumCopies            uint32
	Orientation          uint32
	PageSize             [2]uint32 // points (1/72 inch)
	Tumble               bool
	Width                uint32 // pixels per line
	Height               uint32 // lines
	BitsPerColor         uint32
	BitsPerPixel         uint32
	BytesPerLine         uint32
	ColorSpace           ColorSpace
	NumColors            uint32
	TotalPageCount       uint32
	CrossFeedTransform   int32 // 1 or -1
	FeedTransform        int32 // 1 or -1
	ImageBox             [4]uint32
	AlternatePrimary     uint32
	PrintQuality         uint32
	VendorIdentifier     uint32
	VendorData           []byte
	RenderingIntent      string
	PageSizeName         string
}

// MarshalBinary returns the 1796-byte wire form of h.
func (h *Header) MarshalBinary() ([]byte, error) {
	b := make([]byte, HeaderLen)
	if len(h.VendorData) > vendorDataLen {
		return nil, fmt.Errorf("pwgraster: header: %d bytes of vendor data, at most %d", len(h.VendorData), vendorDataLen)
	}
	for _, s := range []struct {
		off int
		v   string
	}{
		{offPwgRaster, "PwgRaster"},
		{offMediaColor, h.MediaColor},
		{offMediaType, h.MediaType},
		{offPrintContentOptimize, h.PrintContentOptimize},
		{offRenderingIntent, h.RenderingIntent},
		{offPageSizeName, h.PageSizeName},
	} {
		// Strings are NUL-terminated, so 63 bytes of text at most.
		if len(s.v) >= stringFieldLen || bytes.IndexByte([]byte(s.v), 0) >= 0 {
			return nil, fmt.Errorf("pwgraster: header: string %q at offset %d is too long or contains NUL", s.v, s.off)
		}
		copy(b[s.off:], s.v)
	}
	put := func(off int, v uint32) { binary.BigEndian.PutUint32(b[off:], v) }
	put(offCutMedia, h.CutMedia)
	put(offDuplex, boolWord(h.Duplex))
	put(offHWResolution, h.HWResolution[0])
	put(offHWResolution+4, h.HWResolution[1])
	put(offInsertSheet, h.InsertSheet)
	put(offJog, h.Jog)
	put(offLeadingEdge, h.LeadingEdge)
	put(offMediaPosition, h.MediaPosition)
	put(offMediaWeightMetric, h.MediaWeightMetric)
	put(offNumCopies, h.NumCopies)
	put(offOrientation, h.Orientation)
	put(offPageSize, h.PageSize[0])
	put(offPageSize+4, h.PageSize[1])
	put(offTumble, boolWord(h.Tumble))
	put(offWidth, h.Width)
	put(offHeight, h.Height)
	put(offBitsPerColor, h.BitsPerColor)
	put(offBitsPerPixel, h.BitsPerPixel)
	put(offBytesPerLine, h.BytesPerLine)
	put(offColorSpace, uint32(h.ColorSpace))
	put(offNumColors, h.NumColors)
	put(offTotalPageCount, h.TotalPageCount)
	put(offCrossFeedTransform, uint32(h.CrossFeedTransform))
	put(offFeedTransform, uint32(h.FeedTransform))
	for i, v := range h.ImageBox {
		put(offImageBoxLeft+4*i, v)
	}
	put(offAlternatePrimary, h.AlternatePrimary)
	put(offPrintQuality, h.PrintQuality)
	put(offVendorIdentifier, h.VendorIdentifier)
	put(offVendorLength, uint32(len(h.VendorData)))
	copy(b[offVendorData:], h.VendorData)
	return b, nil
}

// UnmarshalBinary parses a page header and checks that it describes a page
// this package can decode (chunky pixels, 1 or 8 bits per colour, a line
// length that matches width and depth).
func (h *Header) UnmarshalBinary(b []byte) error {
	if len(b) != HeaderLen {
		return fmt.Errorf("pwgraster: header: %d bytes, want %d", len(b), HeaderLen)
	}
	if got := cString(b[offPwgRaster:]); got != "PwgRaster" {
		return fmt.Errorf("pwgraster: header: MediaClass %q, want \"PwgRaster\"", got)
	}
	for _, off := range []int{offMediaColor, offMediaType, offPrintContentOptimize, offRenderingIntent, offPageSizeName} {
		if bytes.IndexByte(b[off:off+stringFieldLen], 0) < 0 {
			return fmt.Errorf("pwgraster: header: string at offset %d is not NUL-terminated", off)
		}
	}
	get := func(off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }
	*h = Header{
		MediaColor:           cString(b[offMediaColor:]),
		MediaType:            cString(b[offMediaType:]),
		PrintContentOptimize: cString(b[offPrintContentOptimize:]),
		CutMedia:             get(offCutMedia),
		Duplex:               get(offDuplex) != 0,
		HWResolution:         [2]uint32{get(offHWResolution), get(offHWResolution + 4)},
		InsertSheet:          get(offInsertSheet),
		Jog:                  get(offJog),
		LeadingEdge:          get(offLeadingEdge),
		MediaPosition:        get(offMediaPosition),
		MediaWeightMetric:    get(offMediaWeightMetric),
		NumCopies:            get(offNumCopies),
		Orientation:          get(offOrientation),
		PageSize:             [2]uint32{get(offPageSize), get(offPageSize + 4)},
		Tumble:               get(offTumble) != 0,
		Width:                get(offWidth),
		Height:               get(offHeight),
		BitsPerColor:         get(offBitsPerColor),
		BitsPerPixel:         get(offBitsPerPixel),
		BytesPerLine:         get(offBytesPerLine),
		ColorSpace:           ColorSpace(get(offColorSpace)),
		NumColors:            get(offNumColors),
		TotalPageCount:       get(offTotalPageCount),
		CrossFeedTransform:   int32(get(offCrossFeedTransform)),
		FeedTransform:        int32(get(offFeedTransform)),
		ImageBox:             [4]uint32{get(offImageBoxLeft), get(offImageBoxTop), get(offImageBoxRight), get(offImageBoxBottom)},
		AlternatePrimary:     get(offAlternatePrimary),
		PrintQuality:         get(offPrintQuality),
		VendorIdentifier:     get(offVendorIdentifier),
		RenderingIntent:      cString(b[offRenderingIntent:]),
		PageSizeName:         cString(b[offPageSizeName:]),
	}
	if n := get(offVendorLength); n > 0 {
		if n > vendorDataLen {
			return fmt.Errorf("pwgraster: header: VendorLength %d exceeds %d", n, vendorDataLen)
		}
		h.VendorData = append([]byte(nil), b[offVendorData:offVendorData+int(n)]...)
	}
	if order := get(offColorOrder); order != 0 {
		return fmt.Errorf("pwgraster: header: ColorOrder %d, PWG raster allows only 0 (chunky)", order)
	}
	return h.check()
}

// check validates the geometry fields the decoder relies on.
func (h *Header) check() error {
	if h.Width == 0 || h.Height == 0 {
		return fmt.Errorf("pwgraster: header: empty page %d×%d", h.Width, h.Height)
	}
	if h.BitsPerColor != 1 && h.BitsPerColor != 8 && h.BitsPerColor != 16 {
		return fmt.Errorf("pwgraster: header: BitsPerColor %d, want 1, 8 or 16", h.BitsPerColor)
	}
	if h.NumColors == 0 || h.NumColors > 15 || h.BitsPerPixel != h.BitsPerColor*h.NumColors {
		return fmt.Errorf("pwgraster: header: BitsPerPixel %d is not BitsPerColor %d × NumColors %d", h.BitsPerPixel, h.BitsPerColor, h.NumColors)
	}
	if want := (uint64(h.Width)*uint64(h.BitsPerPixel) + 7) / 8; uint64(h.BytesPerLine) != want {
		return fmt.Errorf("pwgraster: header: BytesPerLine %d, want %d for %d pixels of %d bits", h.BytesPerLine, want, h.Width, h.BitsPerPixel)
	}
	return nil
}

// bytesPerPixelUnit is the unit that compression runs count: whole pixels,
// or single bytes when pixels are smaller than a byte (PWG 5102.4 §4.3.2).
func (h *Header) bytesPerPixelUnit() int { return int(h.BitsPerPixel+7) / 8 }

func boolWord(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func cString(b []byte) string {
	b = b[:stringFieldLen]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
