package ipp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/pwgraster"
)

// ippeve is a running CUPS ippeveprinter (Debian cups-ipp-utils): a real IPP
// Everywhere printer that spools what it receives.
type ippeve struct {
	uri   string // ipp://localhost:PORT/ipp/print
	web   string // http://localhost:PORT, for its /media form
	spool string
}

// needTool skips when a peer program is missing, except in CI, where the
// Makefile installs it and a missing tool is a failure.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (Debian package %s): CI must install it", name, pkg)
	}
	t.Skipf("%s not found; install the Debian package %s to run this test", name, pkg)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startIppeveprinter runs ippeveprinter on a free port with a private
// D-Bus bus: it is built with Avahi and will not start without a system
// bus, which test machines lack (see test-peers.md). -r off keeps it from
// registering DNS-SD subtypes, which aborts while Avahi is still connecting.
func startIppeveprinter(t *testing.T) *ippeve {
	t.Helper()
	ippeveprinter := needTool(t, "ippeveprinter", "cups-ipp-utils")
	ippevepcl := needTool(t, "ippevepcl", "cups-ipp-utils")
	dbusDaemon := needTool(t, "dbus-daemon", "dbus-daemon")
	dir := t.TempDir()
	bus := filepath.Join(dir, "bus")
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o755); err != nil {
		t.Fatal(err)
	}
	dbus := exec.Command(dbusDaemon, "--session", "--address=unix:path="+bus, "--nofork", "--nopidfile")
	var dbusLog bytes.Buffer
	dbus.Stdout, dbus.Stderr = &dbusLog, &dbusLog
	if err := dbus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbus.Process.Kill(); dbus.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(bus); err == nil {
			break
		}
		if i == 100 {
			t.Fatalf("dbus-daemon did not create %s: %s", bus, dbusLog.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	port := freePort(t)
	// -c runs CUPS' own PWG raster → PCL converter on every job: it reads
	// the stream with libcups and reports job-impressions-completed, an
	// independent count of the pages in what the driver sent. The wrapper
	// holds each job for a second, as a real print engine would, so that a
	// second job reliably meets server-error-busy.
	command := filepath.Join(dir, "print-engine")
	script := "#!/bin/sh\nsleep 1\nexec " + ippevepcl + " \"$@\"\n"
	if err := os.WriteFile(command, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ippeveprinter, "-n", "localhost", "-p", fmt.Sprint(port), "-K", filepath.Join(dir, "ssl"),
		"-d", spool, "-k", "-r", "off", "-f", "image/pwg-raster,image/jpeg", "-c", command, "Mitra Test")
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS=unix:path="+bus, "HOME="+dir)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("ippeveprinter output:\n%s", log.String())
		}
	})
	p := &ippeve{uri: fmt.Sprintf("ipp://localhost:%d/ipp/print", port), web: fmt.Sprintf("http://localhost:%d", port), spool: spool}
	dev, err := ipp.New(http.DefaultClient, p.uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("ippeveprinter exited: %v\n%s", err, log.String())
		default:
		}
		_, err := dev.Status(context.Background())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ippeveprinter not answering on %s: %v\n%s", p.uri, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return p
}

// loadMedia sets the main tray through ippeveprinter's /media web form:
// A4 paper, sheets sheets of it (0 = empty tray).
func (p *ippeve) loadMedia(t *testing.T, sheets int) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/media?size1=iso_a4_210x297mm&type1=stationery&level1=%d&size3=&type3=&level3=-2", p.web, sheets))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/media form: %s", resp.Status)
	}
	// The form answers before printer-state-reasons always shows the change.
	dev, err := ipp.New(http.DefaultClient, p.uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; {
		st, err := dev.Status(context.Background())
		if err == nil && st.PaperOut == (sheets == 0) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after loading %d sheets: Status() = %+v, %v", sheets, st, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// spooled returns the PWG raster files ippeveprinter kept (-k).
func (p *ippeve) spooled(t *testing.T) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(p.spool, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".pwg") {
			files = append(files, path)
		}
		return nil
	})
	return files
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// grayA4 is a certificate-like A4 page at 300 dpi, as the kiosk renders for
// a monochrome printer.
func grayA4(seed int) *image.Gray {
	src := certificatePage(2480, 3508, seed)
	g := image.NewGray(src.Bounds())
	for y := range 3508 {
		for x := range 2480 {
			p := src.RGBAAt(x, y)
			g.Pix[y*g.Stride+x] = uint8((299*int(p.R) + 587*int(p.G) + 114*int(p.B)) / 1000)
		}
	}
	return g
}

var peerOpts = ipp.Opts{PollInterval: 250 * time.Millisecond, BusyBackoff: 500 * time.Millisecond, BusyRetries: 80, StallTimeout: 2 * time.Second}

// TestIppeveprinter prints to a real IPP Everywhere printer: two A4 pages,
// while a second kiosk's job arrives and must wait out server-error-busy;
// the spooled PWG raster must decode to exactly the pages sent.
func TestIppeveprinter(t *testing.T) {
	p := startIppeveprinter(t)
	p.loadMedia(t, 250)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	first, second := &hookDoer{c: http.DefaultClient}, &hookDoer{c: http.DefaultClient}
	devA, _ := ipp.New(first, p.uri, &peerOpts)
	devB, _ := ipp.New(second, p.uri, &peerOpts)
	st, err := devA.Status(ctx)
	if err != nil || st != (printer.Status{Online: true}) {
		t.Fatalf("Status() = %+v, %v; want online with paper", st, err)
	}

	pages := []image.Image{grayA4(1), grayA4(2)}
	other := []image.Image{certificatePage(2480, 3508, 5)} // colour page: the mono printer gets sgray_8
	var wg sync.WaitGroup
	var resB printer.JobResult
	var errB error
	first.after = func(op uint16, n int) {
		if op == ipp.OpPrintJob {
			// The first job is in: the second one now meets a busy printer.
			wg.Go(func() {
				resB, errB = devB.PrintDocument(ctx, printer.Document{Name: "second kiosk", Pages: other, DPI: 300})
			})
		}
	}
	start := time.Now()
	resA, err := devA.PrintDocument(ctx, printer.Document{Name: "caste certificate", Pages: pages, DPI: 300})
	if err != nil {
		t.Fatalf("PrintDocument: %v", err)
	}
	wg.Wait()
	t.Logf("job A %+v, job B %+v in %v", resA, resB, time.Since(start))
	if errB != nil {
		t.Fatalf("second PrintDocument: %v", errB)
	}
	printJobs := 0
	for _, op := range second.ops {
		if op == ipp.OpPrintJob {
			printJobs++
		}
	}
	if printJobs < 2 {
		t.Errorf("second kiosk sent Print-Job %d times; ippeveprinter should have answered busy at least once", printJobs)
	}
	if resA.JobID == 0 || resB.JobID == resA.JobID {
		t.Errorf("job ids %d and %d", resA.JobID, resB.JobID)
	}
	if resA.Pages != 2 || resB.Pages != 1 {
		t.Errorf("ippevepcl counted %d and %d pages, want 2 and 1", resA.Pages, resB.Pages)
	}

	files := p.spooled(t)
	if len(files) != 2 {
		t.Fatalf("spool holds %v, want two .pwg files", files)
	}
	byJob := map[bool][]image.Image{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := pwgraster.NewDecoder(bytes.NewReader(raw))
		var got []image.Image
		for {
			h, img, err := dec.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if h.ColorSpace != pwgraster.SGray || h.HWResolution != [2]uint32{300, 300} || h.PageSizeName != "iso_a4_210x297mm" {
				t.Errorf("%s: header colour space %d, %v dpi, %q", f, h.ColorSpace, h.HWResolution, h.PageSizeName)
			}
			got = append(got, img)
		}
		byJob[len(got) == 2] = got
		t.Logf("%s: %d bytes, %d pages", filepath.Base(f), len(raw), len(got))
	}
	if len(byJob[true]) != 2 {
		t.Fatalf("no spooled file with the two pages of job A")
	}
	for i := range pages {
		samePixels(t, fmt.Sprintf("job A page %d", i+1), byJob[true][i], pages[i])
	}
	// Job B was colour, sent as grey: compare with the encoder's own grey.
	var want bytes.Buffer
	pwgraster.NewEncoder(&want).Encode(other[0], pwgraster.Header{ColorSpace: pwgraster.SGray})
	_, wantImg, _ := pwgraster.NewDecoder(&want).Next()
	samePixels(t, "job B page 1", byJob[false][0], wantImg)
}

// TestIppeveprinterPaperOut empties the tray through the printer's own form:
// the driver must refuse the job with ErrPaperOut and send nothing.
func TestIppeveprinterPaperOut(t *testing.T) {
	p := startIppeveprinter(t)
	p.loadMedia(t, 0)
	dev, _ := ipp.New(http.DefaultClient, p.uri, &peerOpts)
	ctx := context.Background()
	st, err := dev.Status(ctx)
	if err != nil || !st.PaperOut {
		t.Fatalf("Status() = %+v, %v; want PaperOut", st, err)
	}
	_, err = dev.PrintDocument(ctx, printer.Document{Name: "no paper", Pages: []image.Image{certificatePage(600, 400, 1)}, DPI: 300})
	if !errors.Is(err, printer.ErrPaperOut) {
		t.Fatalf("PrintDocument error = %v, want ErrPaperOut", err)
	}
	if files := p.spooled(t); len(files) != 0 {
		t.Errorf("printer spooled %v", files)
	}
	p.loadMedia(t, 250)
	if st, err := dev.Status(ctx); err != nil || st.PaperOut {
		t.Errorf("after loading paper Status() = %+v, %v", st, err)
	}
}

// TestIppeveprinterPaperRunsOut empties the tray between the driver's check
// and its Print-Job: ippeveprinter holds the job with media-needed, and the
// driver must cancel it after StallTimeout and report ErrPaperOut, so that
// the certificate does not print later for someone else.
func TestIppeveprinterPaperRunsOut(t *testing.T) {
	p := startIppeveprinter(t)
	p.loadMedia(t, 250)
	doer := &hookDoer{c: http.DefaultClient}
	doer.after = func(op uint16, n int) {
		if n == 1 { // the pre-job Get-Printer-Attributes has seen paper
			p.loadMedia(t, 0)
		}
	}
	dev, _ := ipp.New(doer, p.uri, &peerOpts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := dev.PrintDocument(ctx, printer.Document{Name: "paper runs out", Pages: []image.Image{certificatePage(600, 400, 1)}, DPI: 300})
	t.Logf("PrintDocument() = %+v, %v", res, err)
	if !errors.Is(err, printer.ErrPaperOut) {
		t.Fatalf("PrintDocument error = %v, want ErrPaperOut", err)
	}
	if res.JobID == 0 {
		t.Errorf("JobResult has no job id; the job was sent and must be named")
	}
	canceled := false
	for _, op := range doer.ops {
		canceled = canceled || op == ipp.OpCancelJob
	}
	if !canceled {
		t.Errorf("driver sent no Cancel-Job; operations: %v", doer.ops)
	}
	// ippeveprinter marks the job processing-to-stop-point while its print
	// thread waits for paper; once paper is back the job must end canceled,
	// not print.
	if state, reasons := p.jobState(t, res.JobID); state != ipp.JobCanceled && !slices.Contains(reasons, "processing-to-stop-point") {
		t.Errorf("after Cancel-Job ippeveprinter says job %d is %v (%v), want it canceled or stopping", res.JobID, state, reasons)
	}
	p.loadMedia(t, 250)
	for deadline := time.Now().Add(20 * time.Second); ; {
		state, reasons := p.jobState(t, res.JobID)
		if state.Terminal() {
			if state != ipp.JobCanceled {
				t.Errorf("job %d ended %v (%v), want canceled", res.JobID, state, reasons)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %v (%v) 20 s after paper was loaded", res.JobID, state, reasons)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// jobState asks the printer about a job with a hand-built Get-Job-Attributes,
// independently of the driver.
func (p *ippeve) jobState(t *testing.T, id int) (ipp.JobState, []string) {
	t.Helper()
	g := ipp.Group{Tag: ipp.TagOperation}
	g.Add("attributes-charset", ipp.String(ipp.TagCharset, "utf-8"))
	g.Add("attributes-natural-language", ipp.String(ipp.TagLanguage, "en"))
	g.Add("printer-uri", ipp.String(ipp.TagURI, p.uri))
	g.Add("job-id", ipp.Integer(int32(id)))
	req := ipp.Message{Version: [2]byte{2, 0}, Code: ipp.OpGetJobAttributes, RequestID: 77, Groups: []ipp.Group{g}}
	body, err := req.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(strings.Replace(p.uri, "ipp://", "http://", 1), ipp.ContentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := ipp.Decode(raw)
	if err != nil {
		t.Fatalf("Get-Job-Attributes response: %v", err)
	}
	if m.Code != ipp.StatusOK || m.RequestID != 77 {
		t.Fatalf("Get-Job-Attributes: %s, request-id %d", ipp.StatusName(m.Code), m.RequestID)
	}
	a, _ := m.Lookup(ipp.TagJob, "job-state")
	st, _ := a.Int()
	r, _ := m.Lookup(ipp.TagJob, "job-state-reasons")
	return ipp.JobState(st), r.Strings()
}
