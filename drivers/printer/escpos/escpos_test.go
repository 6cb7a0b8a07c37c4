package escpos_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos/escpossim"
)

// testPage draws a pattern with edges on every bit position.
func testPage(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := uint8(255)
			if (x*7+y*3)%11 < 4 || x == y%w {
				c = 0
			}
			img.SetGray(x, y, color.Gray{c})
		}
	}
	return img
}

func TestEncodeDecodeSameBitmap(t *testing.T) {
	for _, h := range []int{1, 255, 256, 257, 700} {
		page := testPage(576, h)
		pages, err := escpos.Decode(escpos.EncodeJob(page, 576, true))
		if err != nil {
			t.Fatalf("h=%d: Decode() = %v", h, err)
		}
		if len(pages) != 1 || !pages[0].Cut {
			t.Fatalf("h=%d: %d pages", h, len(pages))
		}
		if !bytes.Equal(pages[0].Image.Pix, page.Pix) {
			t.Errorf("h=%d: decoded bitmap differs from the encoded one", h)
		}
	}
}

func TestEncodeWireBytes(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 10, 1))
	for x := range 10 {
		img.Pix[x] = 255
	}
	img.Pix[0], img.Pix[9] = 0, 0 // leftmost dot and dot 9
	got := escpos.EncodeJob(img, 16, true)
	want := []byte{0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0x80, 0x40, 0x1D, 0x56, 0x42, 0x00}
	if !bytes.Equal(got, want) {
		t.Errorf("EncodeJob() = % X, want % X", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, b := range [][]byte{
		{0x1B, 0x40, 0x41},                         // text: the kiosk never sends it
		{0x1D, 0x76, 0x30, 0, 2, 0, 5, 0, 1, 2, 3}, // raster cut short
		{0x10, 0x04, 9},                            // bad status query
		{0x1D, 0x56, 7, 0},                         // unknown cut
	} {
		if _, err := escpos.Decode(b); err == nil {
			t.Errorf("Decode(% X) succeeded", b)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(escpos.EncodeJob(testPage(64, 3), 64, true))
	f.Add([]byte{0x10, 0x04, 0x01, 0x1B, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		pages, err := escpos.Decode(b)
		if err != nil {
			return
		}
		for _, p := range pages {
			if p.Image.Bounds().Dx() > 256*8 {
				t.Fatalf("page wider than GS v 0 allows: %v", p.Image.Bounds())
			}
		}
	})
}

func open(t *testing.T) (*escpos.Dev, *escpossim.Printer, string) {
	dir := t.TempDir()
	host, sim, err := escpossim.Pipe(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })
	return escpos.New(host, nil), sim, dir
}

func TestPrintThroughSimulator(t *testing.T) {
	d, sim, dir := open(t)
	ctx := context.Background()
	s, err := d.Status(ctx)
	if err != nil || !s.Online || s.PaperOut {
		t.Fatalf("Status() = %+v, %v", s, err)
	}
	page := testPage(576, 300)
	if err := d.Print(ctx, printer.Job{Name: "t1", Page: page, Cut: true}); err != nil {
		t.Fatalf("Print() = %v", err)
	}
	select {
	case path := <-sim.Jobs():
		if filepath.Base(path) != "receipt-000001.bin" {
			t.Errorf("spooled %s", path)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no job spooled")
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "receipt-000001.bin"))
	pages, err := escpos.Decode(raw)
	if err != nil || len(pages) != 1 || !bytes.Equal(pages[0].Image.Pix, page.Pix) {
		t.Errorf("spooled job does not decode to the page: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "receipt-000001.png")); err != nil {
		t.Errorf("no PNG beside the job: %v", err)
	}

	sim.SetPaperOut(true)
	if err := d.Print(ctx, printer.Job{Name: "t2", Page: page, Cut: true}); !errors.Is(err, printer.ErrPaperOut) {
		t.Errorf("Print() with no paper = %v, want ErrPaperOut", err)
	}
	sim.SetPaperOut(false)
	sim.SetPaperLow(true)
	if s, _ := d.Status(ctx); !s.PaperLow || s.PaperOut {
		t.Errorf("Status() with paper low = %+v", s)
	}
	sim.SetCoverOpen(true)
	if err := d.Print(ctx, printer.Job{Name: "t3", Page: page, Cut: true}); !errors.Is(err, printer.ErrFault) {
		t.Errorf("Print() with cover open = %v, want ErrFault", err)
	}
	if n := len(sim.Printed()); n != 1 {
		t.Errorf("%d jobs printed, want 1", n)
	}
}

func TestSpoolNumberingContinues(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "receipt-000041.bin"), nil, 0o644)
	host, sim, err := escpossim.Pipe(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if err := escpos.New(host, nil).Print(context.Background(), printer.Job{Page: testPage(576, 8), Cut: true}); err != nil {
		t.Fatal(err)
	}
	if p := sim.Printed(); len(p) != 1 || filepath.Base(p[0]) != "receipt-000042.bin" {
		t.Errorf("Printed() = %v, want receipt-000042.bin", p)
	}
}

func TestOffline(t *testing.T) {
	d := escpos.New(&deadLine{}, &escpos.Opts{StatusTimeout: 50 * time.Millisecond})
	if _, err := d.Status(context.Background()); !errors.Is(err, printer.ErrOffline) {
		t.Errorf("Status() on a dead line = %v, want ErrOffline", err)
	}
}

type deadLine struct{ deadline time.Time }

func (d *deadLine) Write(b []byte) (int, error)       { return len(b), nil }
func (d *deadLine) SetReadDeadline(t time.Time) error { d.deadline = t; return nil }
func (d *deadLine) Read([]byte) (int, error) {
	time.Sleep(time.Until(d.deadline))
	return 0, os.ErrDeadlineExceeded
}

func BenchmarkEncodeJob(b *testing.B) {
	page := testPage(576, 1200)
	for b.Loop() {
		escpos.EncodeJob(page, 576, true)
	}
}
