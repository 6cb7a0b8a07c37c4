// Package escpos drives ESC/POS thermal receipt printers (Epson TM series and
// the many compatible 80 mm printers in Indian kiosks) and implements
// printer.ReceiptPrinter.
//
// Every receipt is sent as a raster image, so Hindi text, the ₹ sign and QR
// codes print exactly as Mitra rendered them whatever fonts the printer has.
// The driver takes an io.ReadWriter: /dev/usb/lp0 (usblp), a serial port, a
// TCP connection to port 9100, or an in-process pipe to escpossim.
//
// # Protocol
//
// Epson "ESC/POS Application Programming Guide" / command reference:
//
//	ESC @            1B 40                 initialise printer
//	GS v 0 m xL xH yL yH d…  1D 76 30 m …  print raster bit image; x = width in bytes,
//	                                       y = height in dots, 1 bit per dot, MSB = leftmost, 1 = print
//	GS V m n         1D 56 42 n            feed n and partial cut (function B)
//	DLE EOT n        10 04 n               transmit real-time status (n = 1 printer, 2 off-line
//	                                       cause, 3 error cause, 4 roll paper sensor); the
//	                                       printer answers one byte 0xx1xx10b
//
// Status bits: n=1 bit 3 off-line; n=2 bit 2 cover open, bit 5 stopped by
// paper end, bit 6 error; n=3 bit 3 autocutter error, bit 5 unrecoverable,
// bit 6 auto-recoverable; n=4 bits 2–3 paper near end, bits 5–6 paper end.
package escpos
