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

// Document is a job for a DocumentPrinter: pages the kiosk rendered itself
// (Devanagari is shaped by Mitra, so pages travel as raster, never as text).
type Document struct {
	// Name is the job name shown on the printer and in logs ("certificate T-000123").
	Name string
	// Pages are printed in order, one sheet side each. Each page's bounds
	// are the full sheet at DPI (2480×3508 for A4 at 300 dpi); transparent
	// pixels are left as paper.
	Pages []image.Image
	// DPI is the resolution the pages were rendered at, e.g. 300.
	DPI int
	// Copies is how many copies to print; 0 means 1.
	Copies int
}

// JobResult is what the printer said about a finished job.
type JobResult struct {
	// JobID is the printer's job number, for the technician.
	JobID int
	// Pages is the number of impressions the printer reports as printed,
	// or -1 when it does not say.
	Pages int
	// Reasons are the printer's job-state-reasons keywords at the end
	// ("job-completed-successfully", "aborted-by-system", …).
	Reasons []string
}

// DocumentPrinter is an A4 page printer (certificates, land records, card prints).
type DocumentPrinter interface {
	// Status asks the printer for its state.
	Status(ctx context.Context) (Status, error)
	// PrintDocument sends doc and waits until the printer has printed it or
	// has definitely failed. It checks the printer first and returns an
	// error wrapping ErrPaperOut, ErrFault or ErrOffline without sending
	// anything when the job could not print. Every printer failure wraps
	// one of those three, so callers can tell the citizen what happened; a
	// cancelled ctx returns an error wrapping ctx.Err() (the driver cancels
	// the job on the printer first). The JobResult is filled as far as the
	// job got.
	PrintDocument(ctx context.Context, doc Document) (JobResult, error)
}
