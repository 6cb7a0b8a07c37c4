// Package printer defines the POSPrinter device class: a receipt printer that
// prints raster pages (1 bit per pixel), so that Devanagari and QR codes print
// exactly as rendered, whatever fonts the printer has.
//
// Protocol packages (drivers/printer/escpos) implement ReceiptPrinter over an
// io.ReadWriter; the engine depends only on this package.
package printer

import (
	"context"
	"errors"
	"image"
)

// Status is what the printer reports about itself.
type Status struct {
	Online    bool
	PaperOut  bool // no paper: a job would not print
	PaperLow  bool // near end: print, but tell the technician
	CoverOpen bool
	Error     bool // cutter or other unrecoverable error
}

// Job is one receipt: a bitmap whose width is the printer's dot width.
type Job struct {
	// Name is a short label for logs ("receipt T-000123").
	Name string
	// Page is the image to print; dark pixels (luma < 128) are printed.
	Page image.Image
	// Cut asks for a paper cut after the page.
	Cut bool
}

// ReceiptPrinter is a thermal receipt printer.
type ReceiptPrinter interface {
	// Status asks the printer for its state (ESC/POS DLE EOT).
	Status(ctx context.Context) (Status, error)
	// Print prints the job. It checks the paper first and returns an error
	// wrapping ErrPaperOut (nothing printed) when there is none.
	Print(ctx context.Context, job Job) error
	// DotsPerLine is the printable width in dots (e.g. 576 for 80 mm at 203 dpi).
	DotsPerLine() int
}

// Errors callers branch on.
var (
	ErrPaperOut = errors.New("printer: out of paper")
	ErrOffline  = errors.New("printer: not answering")
	ErrFault    = errors.New("printer: fault (cover open or cutter error)")
)
