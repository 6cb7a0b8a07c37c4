package ipp_test

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/ippsim"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/pwgraster"
)

// fastOpts keep simulator tests quick: the simulator needs no real time
// between polls, and a stall is declared after a few polls.
var fastOpts = ipp.Opts{PollInterval: time.Millisecond, BusyRetries: 3, BusyBackoff: time.Millisecond, StallTimeout: 20 * time.Millisecond}

// hookDoer is an http.Client that calls after once per request, after the
// printer answered, so tests can change the printer between operations.
type hookDoer struct {
	c   *http.Client
	mu  sync.Mutex
	ops []uint16 // operation of each request, in order; 0 for a dropped one
	// unsized counts requests sent without Content-Length (chunked).
	unsized int
	after   func(op uint16, n int)
	// drop, when it returns true for a request's number (from 1), fails
	// that request as if the network were down.
	drop func(n int) bool
}

func (h *hookDoer) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	n := len(h.ops) + 1
	dropped := h.drop != nil && h.drop(n)
	if dropped {
		h.ops = append(h.ops, 0)
	}
	h.mu.Unlock()
	if dropped {
		return nil, errors.New("connect: no route to host")
	}
	resp, err := h.c.Do(r)
	if r.GetBody != nil {
		body, _ := r.GetBody()
		var hdr [4]byte
		body.Read(hdr[:])
		op := uint16(hdr[2])<<8 | uint16(hdr[3])
		h.mu.Lock()
		h.ops = append(h.ops, op)
		if r.ContentLength <= 0 {
			h.unsized++
		}
		n := len(h.ops)
		h.mu.Unlock()
		if h.after != nil {
			h.after(op, n)
		}
	}
	return resp, err
}

func newSim(t *testing.T, opts ippsim.Opts) (*ippsim.Sim, *httptest.Server, *hookDoer, *ipp.Dev) {
	t.Helper()
	if opts.SpoolDir == "" {
		opts.SpoolDir = t.TempDir()
	}
	sim := ippsim.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	doer := &hookDoer{c: srv.Client()}
	dev, err := ipp.New(doer, strings.Replace(srv.URL, "http://", "ipp://", 1)+"/ipp/print", &fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	return sim, srv, doer, dev
}

// certificatePage is an opaque page with a coloured band, dark "text" and a
// border, so that lost lines or shifted pixels show.
func certificatePage(w, h int, seed int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			switch {
			case x < 3 || y < 3 || x >= w-3 || y >= h-3:
				c = color.RGBA{0, 0, 0, 255}
			case y > h/10 && y < h/10+h/20:
				c = color.RGBA{255, 153, 51, 255} // saffron header band
			case (x*7+y*13+seed)%17 == 0 && y > h/4:
				c = color.RGBA{20, 20, uint8(seed * 40), 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func samePixels(t *testing.T, what string, got, want image.Image) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("%s: bounds %v, want %v", what, got.Bounds(), want.Bounds())
	}
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g, w := color.RGBAModel.Convert(got.At(x, y)), color.RGBAModel.Convert(want.At(x, y)); g != w {
				t.Fatalf("%s: pixel (%d,%d) = %v, want %v", what, x, y, g, w)
			}
		}
	}
}

func TestPrintA4ColourTwoCopies(t *testing.T) {
	sim, _, _, dev := newSim(t, ippsim.Opts{})
	pages := []image.Image{certificatePage(2480, 3508, 1), certificatePage(2480, 3508, 2)}
	res, err := dev.PrintDocument(context.Background(), printer.Document{Name: "certificate T-000123", Pages: pages, DPI: 300, Copies: 2})
	if err != nil {
		t.Fatalf("PrintDocument: %v", err)
	}
	if res.JobID != 1 || res.Pages != 4 || !slices.Equal(res.Reasons, []string{"job-completed-successfully"}) {
		t.Errorf("JobResult = %+v, want job 1, 4 impressions, job-completed-successfully", res)
	}
	jobs := sim.Jobs()
	if len(jobs) != 1 {
		t.Fatalf("simulator received %d jobs, want 1", len(jobs))
	}
	j := jobs[0]
	if j.Name != "certificate T-000123" || j.User != "mitra" || j.Copies != 2 || j.Media != "iso_a4_210x297mm" || j.State != ipp.JobCompleted {
		t.Errorf("job = name %q user %q copies %d media %q state %v", j.Name, j.User, j.Copies, j.Media, j.State)
	}
	h := j.Header
	if h.ColorSpace != pwgraster.SRGB || h.HWResolution != [2]uint32{300, 300} || h.PageSize != [2]uint32{595, 842} ||
		h.PageSizeName != "iso_a4_210x297mm" || h.TotalPageCount != 2 {
		t.Errorf("page header = %+v", h)
	}
	if len(j.Printed) != 2 {
		t.Fatalf("printed %d pages, want 2", len(j.Printed))
	}
	for i, p := range j.Printed {
		samePixels(t, p, readPNG(t, p), pages[i])
	}
}

func TestRasterTypeChoice(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 251)
	}
	colour := certificatePage(300, 200, 3)
	for _, tt := range []struct {
		name      string
		supported []string
		page      image.Image
		want      pwgraster.ColorSpace
	}{
		{"grey page on colour printer", []string{"black_1", "sgray_8", "srgb_8"}, gray, pwgraster.SGray},
		{"colour page on colour printer", []string{"black_1", "sgray_8", "srgb_8"}, colour, pwgraster.SRGB},
		{"colour page on mono printer", []string{"black_1", "sgray_8"}, colour, pwgraster.SGray},
		{"grey page on bilevel printer", []string{"black_1"}, gray, pwgraster.Black},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sim, _, _, dev := newSim(t, ippsim.Opts{RasterTypes: tt.supported})
			if _, err := dev.PrintDocument(context.Background(), printer.Document{Pages: []image.Image{tt.page}, DPI: 300}); err != nil {
				t.Fatalf("PrintDocument: %v", err)
			}
			j := sim.Jobs()[0]
			if got := j.Header.ColorSpace; got != tt.want {
				t.Errorf("colour space = %d, want %d", got, tt.want)
			}
			if j.Media != "iso_a4_210x297mm" {
				// Not A4, so no media was asked for: the printer default applies.
				t.Errorf("media = %q, want the default", j.Media)
			}
			if tt.want == pwgraster.SGray && tt.page == image.Image(gray) {
				samePixels(t, "grey page", readPNG(t, j.Printed[0]), gray)
			}
		})
	}
}

func TestPrintJobWire(t *testing.T) {
	sim, srv, doer, dev := newSim(t, ippsim.Opts{})
	if _, err := dev.PrintDocument(context.Background(), printer.Document{Name: "land record", Pages: []image.Image{certificatePage(40, 30, 1)}, DPI: 300}); err != nil {
		t.Fatal(err)
	}
	if doer.unsized != 0 {
		t.Errorf("%d of %d requests had no Content-Length; printers often refuse chunked bodies", doer.unsized, len(doer.ops))
	}
	// The last request is a Get-Job-Attributes; check its operation group
	// order and values as RFC 8011 §4.1.4 and §4.3.4 require.
	req := sim.LastRequest()
	if req.Code != ipp.OpGetJobAttributes || req.Version != [2]byte{1, 1} {
		t.Fatalf("last request = op %#x version %v", req.Code, req.Version)
	}
	var names []string
	for _, a := range req.Groups[0].Attrs {
		names = append(names, a.Name)
	}
	if got, want := strings.Join(names, ","), "attributes-charset,attributes-natural-language,printer-uri,job-id,requesting-user-name,requested-attributes"; got != want {
		t.Errorf("operation attributes = %s, want %s", got, want)
	}
	uri, _ := req.Lookup(ipp.TagOperation, "printer-uri")
	if got, want := uri.Values[0].String(), strings.Replace(srv.URL, "http", "ipp", 1)+"/ipp/print"; got != want || uri.Values[0].Tag != ipp.TagURI {
		t.Errorf("printer-uri = %q (tag %#x), want %q", got, uri.Values[0].Tag, want)
	}
}

func TestFaults(t *testing.T) {
	page := []image.Image{certificatePage(120, 80, 1), certificatePage(120, 80, 2)}
	for _, tt := range []struct {
		name string
		opts ippsim.Opts
		dpi  int
		// setup runs before PrintDocument; after runs after each request
		// with the operation and the request count.
		setup     func(*ippsim.Sim, *httptest.Server)
		after     func(s *ippsim.Sim, op uint16, n int)
		drop      func(n int) bool
		wantErr   error
		wantCode  uint16 // IPP status in a *StatusError, 0 for none
		wantJobs  int
		wantState ipp.JobState
		wantPages int
	}{
		{name: "paper out before the job", setup: func(s *ippsim.Sim, _ *httptest.Server) { s.SetMediaEmpty(true) },
			wantErr: printer.ErrPaperOut},
		{name: "cover open before the job", setup: func(s *ippsim.Sim, _ *httptest.Server) { s.SetCoverOpen(true) },
			wantErr: printer.ErrFault},
		{name: "printer off", setup: func(_ *ippsim.Sim, srv *httptest.Server) { srv.Close() },
			wantErr: printer.ErrOffline},
		{name: "busy twice then prints", setup: func(s *ippsim.Sim, _ *httptest.Server) { s.SetBusy(2) },
			wantJobs: 1, wantState: ipp.JobCompleted, wantPages: 2},
		{name: "busy for good", setup: func(s *ippsim.Sim, _ *httptest.Server) { s.SetBusy(100) },
			wantErr: printer.ErrOffline, wantCode: ipp.StatusBusy},
		{name: "job aborted after one page", setup: func(s *ippsim.Sim, _ *httptest.Server) { s.AbortNextJob(1) },
			wantErr: printer.ErrFault, wantJobs: 1, wantState: ipp.JobAborted, wantPages: 1},
		{name: "printer refuses the format it lists", setup: func(s *ippsim.Sim, _ *httptest.Server) { s.SetRejectFormat(true) },
			wantErr: printer.ErrFault, wantCode: ipp.StatusDocumentFormatNotSupported},
		{name: "printer without PWG raster", opts: ippsim.Opts{Formats: []string{"application/pdf"}},
			wantErr: printer.ErrFault},
		{name: "resolution not supported", dpi: 200,
			wantErr: printer.ErrFault},
		{name: "paper runs out during the job and stays out",
			after: func(s *ippsim.Sim, op uint16, n int) {
				if op == ipp.OpPrintJob {
					s.SetMediaEmpty(true)
				}
			},
			wantErr: printer.ErrPaperOut, wantJobs: 1, wantState: ipp.JobCanceled, wantPages: 0},
		{name: "cover opened during the job and closed again",
			after: func(s *ippsim.Sim, op uint16, n int) {
				switch {
				case op == ipp.OpPrintJob:
					s.SetCoverOpen(true)
				case n == 6:
					s.SetCoverOpen(false)
				}
			},
			wantJobs: 1, wantState: ipp.JobCompleted, wantPages: 2},
		// Requests 1 and 2 are Get-Printer-Attributes and Print-Job; the
		// polls after them are Get-Job-Attributes, Get-Printer-Attributes, …
		{name: "network drops two polls during the job", drop: func(n int) bool { return n == 3 || n == 4 },
			wantJobs: 1, wantState: ipp.JobCompleted, wantPages: 2},
		{name: "printer unreachable for good during the job", drop: func(n int) bool { return n >= 3 },
			wantErr: printer.ErrOffline, wantJobs: 1, wantState: ipp.JobPending, wantPages: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sim, srv, doer, dev := newSim(t, tt.opts)
			if tt.setup != nil {
				tt.setup(sim, srv)
			}
			if tt.after != nil {
				doer.after = func(op uint16, n int) { tt.after(sim, op, n) }
			}
			doer.drop = tt.drop
			dpi := 300
			if tt.dpi != 0 {
				dpi = tt.dpi
			}
			res, err := dev.PrintDocument(context.Background(), printer.Document{Name: tt.name, Pages: page, DPI: dpi})
			if tt.wantErr == nil && err != nil {
				t.Fatalf("PrintDocument: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("PrintDocument error = %v, want %v", err, tt.wantErr)
			}
			t.Logf("PrintDocument() = %+v, %v", res, err)
			var se *ipp.StatusError
			if got := errors.As(err, &se); got != (tt.wantCode != 0) || (got && se.Code() != tt.wantCode) {
				t.Errorf("StatusError = %v, want code %#04x", se, tt.wantCode)
			}
			jobs := sim.Jobs()
			if len(jobs) != tt.wantJobs {
				t.Fatalf("printer has %d jobs, want %d", len(jobs), tt.wantJobs)
			}
			if tt.wantJobs == 0 {
				return
			}
			if got := jobs[0].State; got != tt.wantState {
				t.Errorf("job state = %v, want %v", got, tt.wantState)
			}
			if got := len(jobs[0].Printed); got != tt.wantPages {
				t.Errorf("pages printed = %d, want %d", got, tt.wantPages)
			}
			if res.JobID != jobs[0].ID {
				t.Errorf("JobResult.JobID = %d, want %d", res.JobID, jobs[0].ID)
			}
		})
	}
}

func TestCancelledContextCancelsJob(t *testing.T) {
	sim, _, doer, dev := newSim(t, ippsim.Opts{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	doer.after = func(op uint16, n int) {
		if op == ipp.OpPrintJob {
			sim.SetMediaEmpty(true) // the job waits for paper…
			cancel()                // …and the citizen walks away
		}
	}
	_, err := dev.PrintDocument(ctx, printer.Document{Pages: []image.Image{certificatePage(50, 50, 1)}, DPI: 300})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("PrintDocument error = %v, want context.Canceled", err)
	}
	if got := sim.Jobs()[0].State; got != ipp.JobCanceled {
		t.Errorf("job state = %v, want canceled on the printer", got)
	}
}

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(*ippsim.Sim)
		want  printer.Status
	}{
		{"idle", func(*ippsim.Sim) {}, printer.Status{Online: true}},
		{"no paper", func(s *ippsim.Sim) { s.SetMediaEmpty(true) }, printer.Status{PaperOut: true}},
		{"cover open", func(s *ippsim.Sim) { s.SetCoverOpen(true) }, printer.Status{CoverOpen: true}},
	} {
		sim, _, _, dev := newSim(t, ippsim.Opts{})
		tt.setup(sim)
		got, err := dev.Status(context.Background())
		if err != nil {
			t.Fatalf("%s: Status: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: Status() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	_, srv, _, dev := newSim(t, ippsim.Opts{})
	srv.Close()
	if _, err := dev.Status(context.Background()); !errors.Is(err, printer.ErrOffline) {
		t.Errorf("Status() of a closed printer: error = %v, want ErrOffline", err)
	}
}

func TestWrongPathIsOffline(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dev, err := ipp.New(srv.Client(), srv.URL+"/printers/x", &fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dev.Status(context.Background()); !errors.Is(err, printer.ErrOffline) || !strings.Contains(err.Error(), "404") {
		t.Errorf("Status() = %v, want ErrOffline mentioning HTTP 404", err)
	}
}

func TestNewURI(t *testing.T) {
	for _, tt := range []struct {
		uri     string
		wantErr bool
	}{
		{"ipp://printer.local/ipp/print", false},
		{"ipps://10.0.0.5:443/ipp/print", false},
		{"http://127.0.0.1:8631/ipp/print", false},
		{"lpd://printer/queue", true},
		{"ipp:///ipp/print", true},
	} {
		_, err := ipp.New(http.DefaultClient, tt.uri, nil)
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%q) error = %v, want error %v", tt.uri, err, tt.wantErr)
		}
	}
}

func TestRefusesEmptyDocument(t *testing.T) {
	sim, _, _, dev := newSim(t, ippsim.Opts{})
	for _, doc := range []printer.Document{{DPI: 300}, {Pages: []image.Image{certificatePage(10, 10, 1)}}} {
		if _, err := dev.PrintDocument(context.Background(), doc); !errors.Is(err, printer.ErrFault) {
			t.Errorf("PrintDocument(%d pages, %d dpi) = %v, want ErrFault", len(doc.Pages), doc.DPI, err)
		}
	}
	if n := len(sim.Jobs()); n != 0 {
		t.Errorf("printer got %d jobs", n)
	}
}
