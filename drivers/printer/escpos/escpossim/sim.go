// Package escpossim is the device side of an ESC/POS receipt printer: it
// reads the same bytes a real printer reads (over a pty, a TCP port 9100
// connection or an in-process pipe), answers DLE EOT real-time status
// queries with the real status bytes, and "prints" each job by writing it to
// a spool directory as receipt-NNNNNN.bin (the raw bytes, for replay and
// `mitractl receipt render`) with receipt-NNNNNN.png beside it.
//
// Paper, cover and cutter faults can be switched on, so that the kiosk's
// handling of a printer that runs out mid-shift is tested against the wire.
package escpossim

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/printer/escpos"
)

// Printer is a simulated receipt printer.
type Printer struct {
	rw    io.ReadWriter
	spool string

	mu        sync.Mutex
	paperOut  bool
	paperLow  bool
	coverOpen bool
	next      int
	job       []byte
	inJob     bool
	printed   []string
	jobs      chan string
}

// New returns a printer reading rw and spooling into dir (created if needed;
// numbering continues after the files already there). Call Serve.
func New(rw io.ReadWriter, dir string) (*Printer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("escpossim: spool: %w", err)
	}
	p := &Printer{rw: rw, spool: dir, next: 1, jobs: make(chan string, 64)}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("escpossim: spool: %w", err)
	}
	for _, e := range ents {
		if m := spoolName.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			p.next = max(p.next, n+1)
		}
	}
	return p, nil
}

var spoolName = regexp.MustCompile(`^receipt-(\d{6})\.bin$`)

// HostOpts are the driver options for a host on a Pipe: like
// esspsim.HostOpts, a status wait long enough for a starved goroutine
// (escpos.DefaultOpts' 500 ms is for a real printer's cable).
var HostOpts = escpos.Opts{StatusTimeout: 5 * time.Second}

// Pipe returns the host end of an in-process connection to a new printer
// spooling into dir, already serving.
func Pipe(dir string) (net.Conn, *Printer, error) {
	host, dev := net.Pipe()
	p, err := New(dev, dir)
	if err != nil {
		return nil, nil, err
	}
	go func() {
		p.Serve(context.Background())
		dev.Close()
	}()
	return host, p, nil
}

// SetPaperOut switches the paper-end sensor.
func (p *Printer) SetPaperOut(v bool) { p.mu.Lock(); p.paperOut = v; p.mu.Unlock() }

// SetPaperLow switches the paper near-end sensor.
func (p *Printer) SetPaperLow(v bool) { p.mu.Lock(); p.paperLow = v; p.mu.Unlock() }

// SetCoverOpen opens or closes the cover.
func (p *Printer) SetCoverOpen(v bool) { p.mu.Lock(); p.coverOpen = v; p.mu.Unlock() }

// Printed lists the spooled .bin files in order.
func (p *Printer) Printed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.printed...)
}

// Jobs delivers the path of each spooled .bin file as it is printed.
func (p *Printer) Jobs() <-chan string { return p.jobs }

// status returns the DLE EOT n answer: fixed bits 0xx1xx10.
func (p *Printer) status(n byte) byte {
	b := byte(0x12)
	switch n {
	case 1:
		if p.coverOpen || p.paperOut {
			b |= 0x08 // off-line
		}
	case 2:
		if p.coverOpen {
			b |= 0x04
		}
		if p.paperOut {
			b |= 0x20
		}
	case 4:
		if p.paperLow || p.paperOut {
			b |= 0x0C
		}
		if p.paperOut {
			b |= 0x60
		}
	}
	return b
}

// Serve reads commands until rw fails or ctx ends.
func (p *Printer) Serve(ctx context.Context) error {
	r := bufio.NewReader(p.rw)
	for ctx.Err() == nil {
		c, err := r.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case 0x10: // DLE EOT n: answer at once, even mid-job (real-time)
			hdr := make([]byte, 2)
			if _, err := io.ReadFull(r, hdr); err != nil {
				return err
			}
			if hdr[0] != 0x04 || hdr[1] < 1 || hdr[1] > 4 {
				continue // not a status query: ignored, as a printer does
			}
			p.mu.Lock()
			s := p.status(hdr[1])
			p.mu.Unlock()
			if _, err := p.rw.Write([]byte{s}); err != nil {
				return err
			}
		case 0x1B: // ESC @ starts a job
			nc, err := r.ReadByte()
			if err != nil {
				return err
			}
			p.mu.Lock()
			if nc == '@' {
				p.job, p.inJob = append(p.job[:0], 0x1B, '@'), true
			} else {
				p.job = append(p.job, 0x1B, nc)
			}
			p.mu.Unlock()
		case 0x1D:
			if err := p.gs(r); err != nil {
				return err
			}
		default:
			p.mu.Lock()
			p.job = append(p.job, c)
			p.mu.Unlock()
		}
	}
	return ctx.Err()
}

func (p *Printer) gs(r *bufio.Reader) error {
	k, err := r.ReadByte()
	if err != nil {
		return err
	}
	switch k {
	case 'v':
		hdr := make([]byte, 6)
		if _, err := io.ReadFull(r, hdr); err != nil {
			return err
		}
		n := (int(hdr[2]) | int(hdr[3])<<8) * (int(hdr[4]) | int(hdr[5])<<8)
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return err
		}
		p.mu.Lock()
		p.job = append(append(append(p.job, 0x1D, 'v'), hdr...), data...)
		p.mu.Unlock()
	case 'V':
		m, err := r.ReadByte()
		if err != nil {
			return err
		}
		cut := []byte{0x1D, 'V', m}
		if m == 65 || m == 66 {
			n, err := r.ReadByte()
			if err != nil {
				return err
			}
			cut = append(cut, n)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.job = append(p.job, cut...)
		return p.finishJob()
	default:
		p.mu.Lock()
		p.job = append(p.job, 0x1D, k)
		p.mu.Unlock()
	}
	return nil
}

// finishJob spools the job that a cut ended. With the paper out nothing is
// printed: the bytes are lost, exactly as on a real printer, which is why
// the driver checks the paper before sending.
func (p *Printer) finishJob() error {
	job := p.job
	p.job, p.inJob = nil, false
	if p.paperOut || p.coverOpen {
		return nil
	}
	base := filepath.Join(p.spool, fmt.Sprintf("receipt-%06d", p.next))
	p.next++
	if err := os.WriteFile(base+".bin", job, 0o644); err != nil {
		return fmt.Errorf("escpossim: spool: %w", err)
	}
	if err := escpos.RenderFile(base+".bin", base+".png"); err != nil {
		return fmt.Errorf("escpossim: render %s: %w", base, err)
	}
	p.printed = append(p.printed, base+".bin")
	select {
	case p.jobs <- base + ".bin":
	default:
	}
	return nil
}
