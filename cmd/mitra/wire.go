package main

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"image"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/buildinfo"
	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/diag"
	"github.com/mitra-kiosk/mitra/appliance/docprint"
	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/update"
	"github.com/mitra-kiosk/mitra/drivers/biometric"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/rdsim"
	"github.com/mitra-kiosk/mitra/drivers/cash"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/drivers/display"
	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos/escpossim"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/ippsim"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/documents/docsandbox"
	"github.com/mitra-kiosk/mitra/services/documents/docshttp"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/pension/pensionhttp"
	"github.com/mitra-kiosk/mitra/services/pension/pensionsandbox"
	"github.com/mitra-kiosk/mitra/services/sandbox"
	"github.com/mitra-kiosk/mitra/services/status"
	"github.com/mitra-kiosk/mitra/services/status/statushttp"
	"github.com/mitra-kiosk/mitra/services/status/statussandbox"
	"github.com/mitra-kiosk/mitra/ui"
)

// run wires the kiosk together and runs the UI until ctx ends.
func run(ctx context.Context, cfg config.Config, f flags) error {
	logger := log.New(os.Stderr, "mitra: ", log.LstdFlags)
	logger.Printf("%s, kiosk %s, state %s", buildinfo.String(), cfg.KioskID, f.state)
	if f.sim {
		cfg.Devices.NoteAcceptor, cfg.Devices.ReceiptPrinter, cfg.Devices.DocumentPrinter = "sim", "sim", "sim"
		cfg.Devices.FingerprintScanner = "sim"
	}
	if err := os.MkdirAll(f.state, 0o755); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	bills, err := gateway(ctx, cfg, f.state, logger)
	if err != nil {
		return err
	}
	acc, feeder, err := openAcceptor(cfg.Devices.NoteAcceptor)
	if err != nil {
		return err
	}
	prn, paper, err := openPrinter(cfg.Devices.ReceiptPrinter, f.state)
	if err != nil {
		return err
	}
	statusSvc, err := statusBackend(ctx, cfg, logger)
	if err != nil {
		return err
	}
	a4, err := openDocumentPrinter(ctx, cfg.Devices.DocumentPrinter, f.state, logger)
	if err != nil {
		return err
	}
	docs, err := documentsBackend(ctx, cfg, f.state, logger)
	if err != nil {
		return err
	}
	scanner, pensions, err := pensionBackend(ctx, cfg, f.state, logger)
	if err != nil {
		return err
	}
	charge, _ := cfg.Charges.BillPaymentCharge()
	docCharge, _ := cfg.Charges.DocumentPrintCharge()
	eng, err := engine.New(engine.Config{
		KioskID: cfg.KioskID, KioskName: cfg.KioskName, StateDir: f.state,
		Acceptor: acc, Feeder: feeder, Printer: prn, PaperSensor: paper, Bills: bills, BillCharge: charge,
		Documents: docs, PagePrinter: a4, RenderDocument: renderDocument, DocumentCharge: docCharge, Status: statusSvc,
		Scanner: scanner, Pension: pensions,
		RequestTimeout: cfg.Gateway.Timeout.Duration,
		Log:            log.New(os.Stderr, "engine: ", log.LstdFlags),
	})
	if err != nil {
		return err
	}
	defer eng.Close()
	board := &diag.Board{}
	// The report helps a technician; a kiosk that cannot serve it (no
	// token for a network address, port taken) still serves citizens.
	if err := startDiag(ctx, f.diag, cfg, eng, board, f.state, logger); err != nil {
		logger.Printf("diag: %v; the kiosk runs without the report", err)
		console("MITRA: diag: " + err.Error())
	}

	screen, input, err := openDisplay(ctx, f, cfg, board, logger)
	if err != nil {
		return err
	}
	defer screen.Close()
	speech, closeVoice, err := openVoice(f, cfg, logger)
	if err != nil {
		return err
	}
	defer closeVoice()
	return ui.Run(ctx, ui.Options{
		Kiosk: eng, Screen: screen, Input: bridge(input), Lang: cfg.Language,
		AutomationAddr: f.automation, AutomationToken: cfg.Automation.Token,
		IdleTimeout: cfg.IdleTimeout.Duration, TechnicianPINHash: cfg.TechnicianPINHash,
		KioskName: cfg.KioskName, OpeningHours: cfg.OpeningHours,
		UpdateFromUSB: usbUpdate(f),
		Voice:         speech, VoiceOn: cfg.Access.Voice, LargeText: cfg.Access.LargeText, HighContrast: cfg.Access.HighContrast,
		OnFirstFrame: func() { firstFrame(logger, f.display == "fbdev") },
		OnAutomation: func(addr string) { logger.Printf("automation on http://%s", addr) },
		Log:          log.New(os.Stderr, "ui: ", log.LstdFlags),
	})
}

// firstFrame announces the first frame on the log and, on the appliance's
// framebuffer, on the serial console, where the image boot test and the
// boot-time figures wait for it. On the appliance it also writes the health
// file cmd/mitra-update waits for before it keeps a freshly updated root:
// the first frame comes after the engine opened and recovered the journal,
// so it means "UI up, journal readable".
func firstFrame(logger *log.Logger, onConsole bool) {
	logger.Printf("first frame")
	if onConsole {
		console("MITRA: first frame")
		if err := markHealthy(); err != nil {
			logger.Printf("health file: %v", err)
		}
	}
}

// markHealthy writes update.DefaultHealthFile (on /run, a tmpfs: every boot
// starts unhealthy).
func markHealthy() error {
	if err := os.MkdirAll(filepath.Dir(update.DefaultHealthFile), 0o755); err != nil {
		return err
	}
	return os.WriteFile(update.DefaultHealthFile, []byte(buildinfo.String()+"\n"), 0o644)
}

// gateway returns the bill-payment back-end: the configured URL, or the
// sandbox started in-process on a loopback port and spoken to over HTTP,
// so the kiosk always exercises its real client.
func gateway(ctx context.Context, cfg config.Config, state string, logger *log.Logger) (billpay.Service, error) {
	hc := &http.Client{Timeout: cfg.Gateway.Timeout.Duration}
	if cfg.Gateway.URL != "" {
		return billpayhttp.New(cfg.Gateway.URL, hc), nil
	}
	g, err := sandbox.NewFromDir(cfg.Gateway.SandboxData, filepath.Join(state, "gateway"))
	if err != nil {
		return nil, fmt.Errorf("sandbox gateway: %w (run from the repository, or set gateway.sandbox_data)", err)
	}
	if rep := g.LoadReport; rep != "" {
		logger.Printf("sandbox ledger: %s", rep)
	}
	url, err := serveLoopback(ctx, g.Handler(), func() { g.Close() })
	if err != nil {
		return nil, fmt.Errorf("sandbox gateway: %w", err)
	}
	logger.Printf("sandbox gateway on %s", url)
	return billpayhttp.New(url, hc), nil
}

// serveLoopback serves h on a free loopback port until ctx ends, then runs
// closed; it returns the base URL.
func serveLoopback(ctx context.Context, h http.Handler, closed func()) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
		if closed != nil {
			closed()
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// statusBackend returns the status look-up back-end: the configured URL,
// or the built-in sandbox on a loopback port, spoken to over HTTP.
func statusBackend(ctx context.Context, cfg config.Config, logger *log.Logger) (status.Service, error) {
	hc := &http.Client{Timeout: cfg.Gateway.Timeout.Duration}
	if cfg.Gateway.StatusURL != "" {
		return statushttp.New(cfg.Gateway.StatusURL, hc), nil
	}
	b, err := statussandbox.NewFromDir(cfg.Gateway.StatusData)
	if err != nil {
		return nil, fmt.Errorf("status sandbox: %w (run from the repository, or set gateway.status_data)", err)
	}
	url, err := serveLoopback(ctx, b.Handler(), nil)
	if err != nil {
		return nil, fmt.Errorf("status sandbox: %w", err)
	}
	logger.Printf("status sandbox on %s", url)
	return statushttp.New(url, hc), nil
}

// documentsBackend returns the document back-end: the configured URL, or
// the built-in sandbox on a loopback port, spoken to over HTTP.
func documentsBackend(ctx context.Context, cfg config.Config, state string, logger *log.Logger) (documents.Service, error) {
	hc := &http.Client{Timeout: cfg.Gateway.Timeout.Duration}
	if cfg.Gateway.DocumentsURL != "" {
		return docshttp.New(cfg.Gateway.DocumentsURL, hc), nil
	}
	sb, err := docsandbox.NewFromDir(cfg.Gateway.DocumentsData, filepath.Join(state, "documents"))
	if err != nil {
		return nil, fmt.Errorf("documents sandbox: %w (run from the repository, or set gateway.documents_data)", err)
	}
	if rep := sb.LoadReport; rep != "" {
		logger.Printf("documents sandbox ledger: %s", rep)
	}
	url, err := serveLoopback(ctx, sb.Handler(), func() { sb.Close() })
	if err != nil {
		return nil, fmt.Errorf("documents sandbox: %w", err)
	}
	logger.Printf("documents sandbox on %s", url)
	return docshttp.New(url, hc), nil
}

// pensionBackend returns the fingerprint scanner and the life-certificate
// back-end. With the simulated scanner and no pension URL, the built-in
// sandbox plays the department: it makes a key pair at start-up and the
// simulator seals captures for its public half, as UIDAI's certificate
// would be used on a real device. A real scanner with the sandbox cannot
// work (its captures are sealed for UIDAI) and is refused.
func pensionBackend(ctx context.Context, cfg config.Config, state string, logger *log.Logger) (biometric.Scanner, pension.Service, error) {
	hc := &http.Client{Timeout: cfg.Gateway.Timeout.Duration}
	setting := cfg.Devices.FingerprintScanner
	if setting == "none" {
		return nil, nil, nil
	}
	var svc pension.Service
	var verifier *rsa.PrivateKey
	if cfg.Gateway.PensionURL != "" {
		svc = pensionhttp.New(cfg.Gateway.PensionURL, hc)
	} else {
		if setting != "sim" {
			return nil, nil, fmt.Errorf("fingerprint scanner %q needs gateway.pension_url: the built-in pension sandbox cannot open a real device's captures", setting)
		}
		key, err := rsa.GenerateKey(crand.Reader, 2048)
		if err != nil {
			return nil, nil, err
		}
		verifier = key
		sb, err := pensionsandbox.NewFromDir(cfg.Gateway.PensionData, filepath.Join(state, "pension"), key, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("pension sandbox: %w (run from the repository, or set gateway.pension_data)", err)
		}
		url, err := serveLoopback(ctx, sb.Handler(), func() { sb.Close() })
		if err != nil {
			return nil, nil, fmt.Errorf("pension sandbox: %w", err)
		}
		logger.Printf("pension sandbox on %s", url)
		svc = pensionhttp.New(url, hc)
	}
	rc := &http.Client{Timeout: 30 * time.Second} // a capture waits for the finger
	switch {
	case setting == "sim":
		if verifier == nil {
			return nil, nil, errors.New("the simulated scanner works with the built-in pension sandbox only (leave gateway.pension_url empty)")
		}
		sim := rdsim.New(&verifier.PublicKey, "SANDBOX")
		url, err := serveLoopback(ctx, sim, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("simulated scanner: %w", err)
		}
		logger.Printf("simulated fingerprint scanner (RD service) on %s", url)
		return rdservice.New(rc, url), svc, nil
	case setting == "rd":
		return rdservice.New(rc), svc, nil
	default:
		return rdservice.New(rc, strings.TrimPrefix(setting, "rd:")), svc, nil
	}
}

// renderDocument lays a paid document out on A4 pages with the kiosk's
// footer (appliance/docprint).
func renderDocument(c documents.Content, st engine.DocumentStamp) ([]image.Image, error) {
	pages, err := docprint.Imprint{KioskID: st.KioskID, At: st.Time}.Render(c, 0)
	if err != nil {
		return nil, err
	}
	out := make([]image.Image, len(pages))
	for i, p := range pages {
		out[i] = p
	}
	return out, nil
}

// openDocumentPrinter opens the A4 printer: the IPP driver, talking to
// the configured printer or, in sim mode, to the IPP printer simulator on a
// loopback port (its pages spool to state/a4 as PNG). "none": nil, and the
// document services say they are not available at this kiosk.
func openDocumentPrinter(ctx context.Context, setting, state string, logger *log.Logger) (printer.DocumentPrinter, error) {
	uri := setting
	switch setting {
	case "none":
		return nil, nil
	case "sim":
		sim := ippsim.New(ippsim.Opts{SpoolDir: filepath.Join(state, "a4")})
		url, err := serveLoopback(ctx, sim, nil)
		if err != nil {
			return nil, fmt.Errorf("simulated A4 printer: %w", err)
		}
		uri = url + "/ipp/print"
		logger.Printf("simulated A4 printer on %s, spooling to %s", uri, filepath.Join(state, "a4"))
	}
	d, err := ipp.New(&http.Client{Timeout: 30 * time.Second}, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("A4 printer %s: %w", setting, err)
	}
	return d, nil
}

func openAcceptor(setting string) (cash.BillAcceptor, cash.Feeder, error) {
	proto, addr := config.Device(setting)
	switch proto {
	case "sim":
		host, sim := esspsim.Pipe(esspsim.Opts{})
		d, err := essp.New(host, &esspsim.HostOpts)
		if err != nil {
			return nil, nil, fmt.Errorf("simulated note acceptor: %w", err)
		}
		return d, sim, nil
	case "essp":
		port, err := openSerial(addr, 9600, true)
		if err != nil {
			return nil, nil, fmt.Errorf("note acceptor %s: %w", addr, err)
		}
		d, err := essp.New(port, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("note acceptor %s: %w", addr, err)
		}
		return d, nil, nil
	}
	return nil, nil, fmt.Errorf("note acceptor %q: unknown protocol (use sim or essp:/dev/ttyUSB0)", setting)
}

// openPrinter opens the receipt printer; in sim mode it also returns the
// simulator's paper switch (nil otherwise).
func openPrinter(setting, state string) (printer.ReceiptPrinter, interface{ SetPaperOut(bool) }, error) {
	proto, addr := config.Device(setting)
	var t io.ReadWriter
	var paper interface{ SetPaperOut(bool) }
	switch proto {
	case "sim":
		host, sim, err := escpossim.Pipe(filepath.Join(state, "printer"))
		if err != nil {
			return nil, nil, err
		}
		t, paper = host, sim
	case "escpos":
		f, err := os.OpenFile(addr, os.O_RDWR, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("receipt printer %s: %w", addr, err)
		}
		t = f
	case "escpos-tcp":
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return nil, nil, fmt.Errorf("receipt printer %s: %w", addr, err)
		}
		t = c
	default:
		return nil, nil, fmt.Errorf("receipt printer %q: unknown protocol (use sim, escpos:/dev/usb/lp0 or escpos-tcp:HOST:9100)", setting)
	}
	var opts *escpos.Opts
	if proto == "sim" {
		opts = &escpossim.HostOpts
	}
	return escpos.New(t, opts), paper, nil
}

// bridge converts the display's events into the UI's.
func bridge(in display.Input) <-chan ui.InputEvent {
	if in == nil {
		return nil
	}
	out := make(chan ui.InputEvent, 64)
	go func() {
		defer close(out)
		for e := range in.Events() {
			var k ui.InputKind
			switch e.Kind {
			case display.TouchDown:
				k = ui.TouchDown
			case display.TouchMove:
				k = ui.TouchMove
			case display.TouchUp:
				k = ui.TouchUp
			case display.KeyDown:
				k = ui.KeyDown
			case display.Rune:
				k = ui.Rune
			default:
				continue
			}
			out <- ui.InputEvent{Kind: k, X: e.X, Y: e.Y, Key: e.Key, Rune: e.Rune}
		}
	}()
	return out
}
