// Package pwgraster encodes and decodes PWG Raster, the page format of IPP
// Everywhere printers (document-format image/pwg-raster).
//
// Mitra renders certificates itself (Devanagari is shaped by the kiosk, not
// by the printer), so it sends pages as raster: the encoder turns an
// image.Image into a page; the decoder is used by the IPP simulator and by
// tests that check what a printer spooled.
//
// # Spec
//
// PWG 5102.4-2012 "PWG Raster Format":
//
//	stream   = "RaS2" page*
//	page     = header(1796 bytes, big-endian, CUPS cups_page_header2_t layout) bitmap
//	bitmap   = line-group* ; until Height lines are produced
//	line     = repeat(1 byte: line occurs repeat+1 times) run+ ; exactly BytesPerLine bytes
//	run      = n(0..127) pixel          ; n+1 copies of one pixel
//	         | n(129..255) pixel*(257-n) ; 257-n literal pixels
//
// A "pixel" is BitsPerPixel/8 bytes, or one byte when pixels are smaller.
// Supported page types are the IPP pwg-raster-document-type-supported
// keywords black_1, sgray_8 and srgb_8.
package pwgraster
