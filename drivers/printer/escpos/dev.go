package escpos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/printer"
)

// Opts configures the driver.
type Opts struct {
	// DotsPerLine is the printable width: 576 for 80 mm paper at 203 dpi,
	// 384 for 58 mm.
	DotsPerLine int
	// StatusTimeout bounds the wait for a status byte.
	StatusTimeout time.Duration
}

// DefaultOpts suit an 80 mm, 203 dpi kiosk printer.
var DefaultOpts = Opts{DotsPerLine: 576, StatusTimeout: 500 * time.Millisecond}

// Dev is an ESC/POS receipt printer.
type Dev struct {
	t    io.ReadWriter
	opts Opts
	mu   sync.Mutex
}

var _ printer.ReceiptPrinter = (*Dev)(nil)

// New returns a printer on t. It sends nothing until asked.
func New(t io.ReadWriter, opts *Opts) *Dev {
	o := DefaultOpts
	if opts != nil {
		if opts.DotsPerLine > 0 {
			o.DotsPerLine = opts.DotsPerLine
		}
		if opts.StatusTimeout > 0 {
			o.StatusTimeout = opts.StatusTimeout
		}
	}
	return &Dev{t: t, opts: o}
}

// DotsPerLine implements printer.ReceiptPrinter.
func (d *Dev) DotsPerLine() int { return d.opts.DotsPerLine }

// statusByte is valid when its fixed bits are right: bit 1 and bit 4 set,
// bits 0 and 7 clear.
func statusByte(b byte) bool { return b&0x93 == 0x12 }

func (d *Dev) query(n byte) (byte, error) {
	deadline := time.Now().Add(d.opts.StatusTimeout)
	if wd, ok := d.t.(interface{ SetWriteDeadline(time.Time) error }); ok {
		wd.SetWriteDeadline(deadline)
	}
	if _, err := d.t.Write(StatusQuery(n)); err != nil {
		return 0, fmt.Errorf("%w: DLE EOT %d: %v", printer.ErrOffline, n, err)
	}
	if rd, ok := d.t.(interface{ SetReadDeadline(time.Time) error }); ok {
		rd.SetReadDeadline(deadline)
	}
	var b [1]byte
	for {
		if _, err := io.ReadFull(d.t, b[:]); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return 0, fmt.Errorf("%w: no answer to DLE EOT %d within %v", printer.ErrOffline, n, d.opts.StatusTimeout)
			}
			return 0, fmt.Errorf("%w: DLE EOT %d: %v", printer.ErrOffline, n, err)
		}
		if statusByte(b[0]) {
			return b[0], nil
		}
		// Anything else is not a status byte (e.g. ASB noise): skip it.
	}
}

// Status implements printer.ReceiptPrinter with DLE EOT 1, 2, 3 and 4.
func (d *Dev) Status(ctx context.Context) (printer.Status, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status()
}

func (d *Dev) status() (printer.Status, error) {
	var s printer.Status
	var r [5]byte
	for n := byte(1); n <= 4; n++ {
		b, err := d.query(n)
		if err != nil {
			return s, fmt.Errorf("escpos: status: %w", err)
		}
		r[n] = b
	}
	s.Online = r[1]&0x08 == 0
	s.CoverOpen = r[2]&0x04 != 0
	s.PaperOut = r[2]&0x20 != 0 || r[4]&0x60 != 0
	s.PaperLow = r[4]&0x0C != 0
	s.Error = r[2]&0x40 != 0 || r[3]&0x68 != 0
	return s, nil
}

// Print implements printer.ReceiptPrinter: status first (nothing is sent to
// a printer without paper), then the raster job, then status again so that
// a paper-out during the job is reported.
func (d *Dev) Print(ctx context.Context, job printer.Job) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(job.Name); err != nil {
		return err
	}
	data := EncodeJob(job.Page, d.opts.DotsPerLine, job.Cut)
	if wd, ok := d.t.(interface{ SetWriteDeadline(time.Time) error }); ok {
		wd.SetWriteDeadline(time.Now().Add(10 * time.Second))
	}
	if _, err := d.t.Write(data); err != nil {
		return fmt.Errorf("escpos: print %s: %w: %v", job.Name, printer.ErrOffline, err)
	}
	return d.ready(job.Name)
}

func (d *Dev) ready(name string) error {
	s, err := d.status()
	if err != nil {
		return fmt.Errorf("escpos: print %s: %w", name, err)
	}
	switch {
	case s.PaperOut:
		return fmt.Errorf("escpos: print %s: %w", name, printer.ErrPaperOut)
	case s.CoverOpen || s.Error:
		return fmt.Errorf("escpos: print %s: %w", name, printer.ErrFault)
	case !s.Online:
		return fmt.Errorf("escpos: print %s: %w (printer reports off-line)", name, printer.ErrOffline)
	}
	return nil
}
