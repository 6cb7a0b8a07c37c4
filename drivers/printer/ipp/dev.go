package ipp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/pwgraster"
)

// ContentType is the media type of IPP messages over HTTP (RFC 8010 §3.3 / RFC 3510 §4).
const ContentType = "application/ipp"

// FormatPWGRaster is the document format the driver sends.
const FormatPWGRaster = "image/pwg-raster"

// DefaultPort is the IPP port an ipp:// URI without a port means (RFC 3510 §4).
const DefaultPort = "631"

// mediaA4 is the PWG 5101.1 self-describing media name of A4.
const mediaA4 = "iso_a4_210x297mm"

// Doer sends one HTTP request; *http.Client is one. The driver does not own
// the connection pool: the caller builds the client (timeouts, TLS for
// ipps://) and closes idle connections.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Opts configures the driver. Zero fields take the DefaultOpts value.
type Opts struct {
	// UserName is sent as requesting-user-name (RFC 8011 §4.1.4.2); the
	// printer shows it as the job owner.
	UserName string
	// PollInterval is the time between Get-Job-Attributes requests while a
	// job prints.
	PollInterval time.Duration
	// BusyRetries is how many times a Print-Job answered with
	// server-error-busy is sent again, BusyBackoff apart. A printer that
	// prints one job at a time (ippeveprinter) answers busy during another
	// client's job.
	BusyRetries int
	BusyBackoff time.Duration
	// StallTimeout is how long a job may wait for paper, a closed cover, a
	// cleared fault or a printer that stopped answering before the driver
	// cancels it: a certificate that
	// prints an hour later, for the next citizen to take, is worse than a
	// clear "out of paper" now.
	StallTimeout time.Duration
	// MaxResponse bounds the size of a response the driver reads.
	MaxResponse int64
}

// DefaultOpts suit an office A4 laser printer on the kiosk LAN.
var DefaultOpts = Opts{
	UserName:     "mitra",
	PollInterval: time.Second,
	BusyRetries:  10,
	BusyBackoff:  2 * time.Second, // ippeveprinter takes 5–12 s per job
	StallTimeout: 30 * time.Second,
	MaxResponse:  1 << 20, // a full Get-Printer-Attributes answer is ~20 KiB
}

// Dev is an IPP printer.
type Dev struct {
	c          Doer
	printerURI string // as sent in printer-uri (ipp:// or ipps://)
	httpURL    string // where requests are POSTed
	opts       Opts

	jobMu     sync.Mutex // one job at a time from this kiosk
	requestID atomic.Uint32
}

var _ printer.DocumentPrinter = (*Dev)(nil)

// New returns a driver for the printer at printerURI: ipp://host[:port]/path
// (port 631 when absent), ipps:// for TLS, or an http(s):// URL whose
// ipp form is then sent as printer-uri. It sends nothing until asked.
func New(c Doer, printerURI string, opts *Opts) (*Dev, error) {
	u, err := url.Parse(printerURI)
	if err != nil {
		return nil, fmt.Errorf("ipp: printer URI %q: %w", printerURI, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("ipp: printer URI %q has no host (want ipp://host:port/ipp/print)", printerURI)
	}
	hu, iu := *u, *u
	switch u.Scheme {
	case "ipp", "http":
		hu.Scheme, iu.Scheme = "http", "ipp"
	case "ipps", "https":
		hu.Scheme, iu.Scheme = "https", "ipps"
	default:
		return nil, fmt.Errorf("ipp: printer URI %q: scheme %q, want ipp, ipps, http or https", printerURI, u.Scheme)
	}
	if (u.Scheme == "ipp" || u.Scheme == "ipps") && u.Port() == "" {
		hu.Host = u.Host + ":" + DefaultPort
	}
	o := DefaultOpts
	if opts != nil {
		if opts.UserName != "" {
			o.UserName = opts.UserName
		}
		if opts.PollInterval > 0 {
			o.PollInterval = opts.PollInterval
		}
		if opts.BusyRetries > 0 {
			o.BusyRetries = opts.BusyRetries
		}
		if opts.BusyBackoff > 0 {
			o.BusyBackoff = opts.BusyBackoff
		}
		if opts.StallTimeout > 0 {
			o.StallTimeout = opts.StallTimeout
		}
		if opts.MaxResponse > 0 {
			o.MaxResponse = opts.MaxResponse
		}
	}
	return &Dev{c: c, printerURI: iu.String(), httpURL: hu.String(), opts: o}, nil
}

// roundTrip sends one request with the operation attributes every request
// carries (RFC 8011 §4.1.4: charset, language, printer-uri, in this order),
// then extra, then doc, and returns the response. A non-successful status
// comes back as *StatusError together with the response.
func (d *Dev) roundTrip(ctx context.Context, op uint16, name string, extra func(opGroup *Group) []Group, doc []byte) (*Message, error) {
	req := Message{Version: [2]byte{1, 1}, Code: op, RequestID: d.requestID.Add(1)}
	g := Group{Tag: TagOperation}
	g.Add("attributes-charset", String(TagCharset, "utf-8"))
	g.Add("attributes-natural-language", String(TagLanguage, "en"))
	g.Add("printer-uri", String(TagURI, d.printerURI))
	var more []Group
	if extra != nil {
		more = extra(&g)
	}
	req.Groups = append([]Group{g}, more...)
	body, err := req.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("ipp: %s: %w", name, err)
	}
	// The document follows the attributes directly (RFC 8010 §3.1.1). It is
	// streamed, not copied, with an explicit length: many printers' HTTP
	// servers refuse chunked request bodies.
	getBody := func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(bytes.NewReader(body), bytes.NewReader(doc))), nil
	}
	rc, _ := getBody()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, d.httpURL, rc)
	if err != nil {
		return nil, fmt.Errorf("ipp: %s: %w", name, err)
	}
	hreq.ContentLength = int64(len(body) + len(doc))
	hreq.GetBody = getBody
	hreq.Header.Set("Content-Type", ContentType)
	resp, err := d.c.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ipp: %s: %w", name, ctx.Err())
		}
		return nil, fmt.Errorf("%w: ipp: %s to %s: %v", printer.ErrOffline, name, d.httpURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, d.opts.MaxResponse))
		return nil, fmt.Errorf("%w: ipp: %s: HTTP %s from %s (is the path right? IPP Everywhere printers use /ipp/print)", printer.ErrOffline, name, resp.Status, d.httpURL)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, ContentType) {
		return nil, fmt.Errorf("%w: ipp: %s: response Content-Type %q, want %s: not an IPP printer", printer.ErrFault, name, ct, ContentType)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, d.opts.MaxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("%w: ipp: %s: reading response: %v", printer.ErrOffline, name, err)
	}
	if int64(len(raw)) > d.opts.MaxResponse {
		return nil, fmt.Errorf("%w: ipp: %s: response larger than %d bytes", printer.ErrFault, name, d.opts.MaxResponse)
	}
	m, _, err := Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: ipp: %s: %v", printer.ErrFault, name, err)
	}
	if m.RequestID != req.RequestID {
		return nil, fmt.Errorf("%w: ipp: %s: response to request %d, sent %d", printer.ErrFault, name, m.RequestID, req.RequestID)
	}
	if !isSuccess(m.Code) {
		se := &StatusError{Op: name, Status: m.Code}
		if a, ok := m.Lookup(TagOperation, "status-message"); ok && len(a.Values) > 0 {
			se.Message = a.Values[0].String()
		}
		return m, se
	}
	return m, nil
}

// printerAttributes is what Status and PrintDocument read from the printer.
type printerAttributes struct {
	state     int32
	reasons   []string
	accepting bool
	message   string
	formats   []string
	types     []string // pwg-raster-document-type-supported
	dpis      []int    // pwg-raster-document-resolution-supported (square ones)
	media     []string // media-supported
}

// statusAttributes are the printer attributes Status needs.
var statusAttributes = []string{"printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "printer-state-message"}

// jobAttributes are the printer attributes PrintDocument checks before a job.
var jobAttributes = append(slices.Clone(statusAttributes),
	"document-format-supported", "pwg-raster-document-type-supported",
	"pwg-raster-document-resolution-supported", "media-supported")

func (d *Dev) getPrinterAttributes(ctx context.Context, names []string) (*printerAttributes, error) {
	m, err := d.roundTrip(ctx, OpGetPrinterAttributes, "Get-Printer-Attributes", func(g *Group) []Group {
		g.Add("requesting-user-name", String(TagName, d.opts.UserName))
		vals := make([]Value, len(names))
		for i, n := range names {
			vals[i] = Keyword(n)
		}
		g.Add("requested-attributes", vals...)
		return nil
	}, nil)
	if err != nil {
		return nil, wrapStatus(err)
	}
	g := m.Group(TagPrinter)
	if g == nil {
		return nil, fmt.Errorf("%w: ipp: Get-Printer-Attributes: response has no printer attributes", printer.ErrFault)
	}
	pa := &printerAttributes{accepting: true}
	a, ok := g.Lookup("printer-state")
	if !ok {
		return nil, fmt.Errorf("%w: ipp: Get-Printer-Attributes: no printer-state", printer.ErrFault)
	}
	if pa.state, ok = a.Int(); !ok {
		return nil, fmt.Errorf("%w: ipp: Get-Printer-Attributes: printer-state is not an enum", printer.ErrFault)
	}
	if a, ok := g.Lookup("printer-state-reasons"); ok {
		pa.reasons = a.Strings()
	}
	if a, ok := g.Lookup("printer-is-accepting-jobs"); ok && len(a.Values) > 0 {
		if b, ok := a.Values[0].Bool(); ok {
			pa.accepting = b
		}
	}
	if a, ok := g.Lookup("printer-state-message"); ok && len(a.Values) > 0 {
		pa.message = a.Values[0].String()
	}
	if a, ok := g.Lookup("document-format-supported"); ok {
		pa.formats = a.Strings()
	}
	if a, ok := g.Lookup("pwg-raster-document-type-supported"); ok {
		pa.types = a.Strings()
	}
	if a, ok := g.Lookup("pwg-raster-document-resolution-supported"); ok {
		for _, v := range a.Values {
			if x, y, ok := v.Resolution(); ok && x == y {
				pa.dpis = append(pa.dpis, int(x))
			}
		}
	}
	if a, ok := g.Lookup("media-supported"); ok {
		pa.media = a.Strings()
	}
	return pa, nil
}

// wrapStatus gives an IPP status error the printer-class sentinel a caller
// branches on, keeping the *StatusError for errors.As.
func wrapStatus(err error) error {
	var se *StatusError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Status {
	case StatusBusy, StatusNotAcceptingJobs:
		return fmt.Errorf("%w: %w", printer.ErrOffline, err)
	}
	return fmt.Errorf("%w: %w", printer.ErrFault, err)
}

// reasonKeyword strips the severity suffix of a printer-state-reasons value
// (RFC 8011 §5.4.12: "-report", "-warning" or "-error").
func reasonKeyword(r string) string {
	for _, s := range []string{"-report", "-warning", "-error"} {
		if k, ok := strings.CutSuffix(r, s); ok {
			return k
		}
	}
	return r
}

// statusOf maps printer-state and printer-state-reasons (RFC 8011 §5.4.11–12,
// PWG 5100.9) to the device-class Status.
func statusOf(pa *printerAttributes) printer.Status {
	s := printer.Status{Online: pa.state != PrinterStopped && pa.accepting}
	for _, r := range pa.reasons {
		switch reasonKeyword(r) {
		case "none":
		case "media-empty", "media-needed":
			s.PaperOut = true
		case "media-low":
			s.PaperLow = true
		case "cover-open", "door-open", "interlock-open":
			s.CoverOpen = true
		case "offline", "shutdown", "paused", "moving-to-paused", "timed-out", "connecting-to-device":
			s.Online = false
		case "media-jam", "toner-empty", "marker-supply-empty", "input-tray-missing", "output-tray-missing", "output-area-full", "fuser-over-temp", "fuser-under-temp":
			s.Error = true
		default:
			if strings.HasSuffix(r, "-error") {
				s.Error = true
			}
		}
	}
	return s
}

// Status implements printer.DocumentPrinter. An unreachable printer returns
// an error wrapping printer.ErrOffline.
func (d *Dev) Status(ctx context.Context) (printer.Status, error) {
	pa, err := d.getPrinterAttributes(ctx, statusAttributes)
	if err != nil {
		return printer.Status{}, err
	}
	return statusOf(pa), nil
}

// blocked returns the error a printer state means for a job, or nil when a
// job can print.
func blocked(pa *printerAttributes) error {
	s := statusOf(pa)
	why := strings.Join(pa.reasons, ",")
	if pa.message != "" {
		why += " (" + pa.message + ")"
	}
	switch {
	case s.PaperOut:
		return fmt.Errorf("%w: ipp: printer reports %s", printer.ErrPaperOut, why)
	case s.CoverOpen || s.Error:
		return fmt.Errorf("%w: ipp: printer reports %s", printer.ErrFault, why)
	case !pa.accepting:
		return fmt.Errorf("%w: ipp: printer is not accepting jobs: %s", printer.ErrOffline, why)
	case !s.Online:
		return fmt.Errorf("%w: ipp: printer is stopped: %s", printer.ErrOffline, why)
	}
	return nil
}

// rasterType picks the PWG raster page type: grey for pages that are all
// *image.Gray, colour otherwise when the printer has it, then whatever the
// printer accepts.
func rasterType(doc printer.Document, supported []string) (pwgraster.ColorSpace, string, error) {
	allGray := true
	for _, p := range doc.Pages {
		if _, ok := p.(*image.Gray); !ok {
			allGray = false
		}
	}
	prefs := []string{"srgb_8", "sgray_8", "black_1"}
	if allGray {
		prefs = []string{"sgray_8", "srgb_8", "black_1"}
	}
	spaces := map[string]pwgraster.ColorSpace{"srgb_8": pwgraster.SRGB, "sgray_8": pwgraster.SGray, "black_1": pwgraster.Black}
	for _, p := range prefs {
		if slices.Contains(supported, p) {
			return spaces[p], p, nil
		}
	}
	return 0, "", fmt.Errorf("%w: ipp: printer's pwg-raster-document-type-supported %v has none of %v", printer.ErrFault, supported, prefs)
}

// pagePoints converts a page dimension in pixels at dpi to PostScript points.
func pagePoints(px, dpi int) uint32 { return uint32(math.Round(float64(px) * 72 / float64(dpi))) }

// isA4 reports whether a w×h pixel page at dpi is A4 (210×297 mm) to
// within a millimetre, so that the job can ask for A4 media by name.
func isA4(w, h, dpi int) bool {
	mm := func(px int) float64 { return float64(px) * 25.4 / float64(dpi) }
	return math.Abs(mm(w)-210) <= 1 && math.Abs(mm(h)-297) <= 1
}

// encode renders the document as a PWG raster stream.
func encode(doc printer.Document, cs pwgraster.ColorSpace) ([]byte, error) {
	var buf bytes.Buffer
	e := pwgraster.NewEncoder(&buf)
	for i, p := range doc.Pages {
		b := p.Bounds()
		h := pwgraster.Header{
			HWResolution:       [2]uint32{uint32(doc.DPI), uint32(doc.DPI)},
			PageSize:           [2]uint32{pagePoints(b.Dx(), doc.DPI), pagePoints(b.Dy(), doc.DPI)},
			NumCopies:          1, // copies go in the IPP copies attribute, so the printer collates
			TotalPageCount:     uint32(len(doc.Pages)),
			CrossFeedTransform: 1,
			FeedTransform:      1,
			ColorSpace:         cs,
		}
		if isA4(b.Dx(), b.Dy(), doc.DPI) {
			h.PageSizeName = mediaA4
		}
		if err := e.Encode(p, h); err != nil {
			return nil, fmt.Errorf("ipp: page %d: %w", i+1, err)
		}
	}
	return buf.Bytes(), nil
}

// PrintDocument implements printer.DocumentPrinter. More specifically, it:
//
//   - reads the printer's state and capabilities (Get-Printer-Attributes) and
//     refuses the job when it could not print (no paper, cover open, stopped)
//     or when the printer takes no PWG raster at doc.DPI;
//   - encodes the pages as PWG raster (srgb_8, sgray_8 or black_1) and sends
//     Print-Job, again after BusyBackoff while the printer answers
//     server-error-busy;
//   - polls Get-Job-Attributes until the job is completed, aborted or
//     canceled, and cancels it (Cancel-Job) when the printer has waited for
//     paper or a fault, or has not answered, for longer than StallTimeout,
//     or when ctx ends.
func (d *Dev) PrintDocument(ctx context.Context, doc printer.Document) (printer.JobResult, error) {
	res := printer.JobResult{Pages: -1}
	if len(doc.Pages) == 0 {
		return res, fmt.Errorf("%w: ipp: document %q has no pages", printer.ErrFault, doc.Name)
	}
	if doc.DPI <= 0 {
		return res, fmt.Errorf("%w: ipp: document %q: DPI %d (the pages' resolution, e.g. 300)", printer.ErrFault, doc.Name, doc.DPI)
	}
	for i, p := range doc.Pages {
		if p == nil || p.Bounds().Empty() {
			return res, fmt.Errorf("%w: ipp: document %q: page %d is empty", printer.ErrFault, doc.Name, i+1)
		}
	}
	copies := max(doc.Copies, 1)
	d.jobMu.Lock()
	defer d.jobMu.Unlock()

	pa, err := d.getPrinterAttributes(ctx, jobAttributes)
	if err != nil {
		return res, err
	}
	if err := blocked(pa); err != nil {
		return res, err
	}
	if !slices.Contains(pa.formats, FormatPWGRaster) {
		return res, fmt.Errorf("%w: ipp: printer does not accept %s (document-format-supported: %s); enable IPP Everywhere / AirPrint on it", printer.ErrFault, FormatPWGRaster, strings.Join(pa.formats, ","))
	}
	if len(pa.dpis) > 0 && !slices.Contains(pa.dpis, doc.DPI) {
		return res, fmt.Errorf("%w: ipp: printer takes PWG raster at %v dpi, pages are rendered at %d dpi", printer.ErrFault, pa.dpis, doc.DPI)
	}
	cs, typeName, err := rasterType(doc, pa.types)
	if err != nil {
		return res, err
	}
	data, err := encode(doc, cs)
	if err != nil {
		return res, fmt.Errorf("%w: %w", printer.ErrFault, err)
	}
	b := doc.Pages[0].Bounds()
	askA4 := isA4(b.Dx(), b.Dy(), doc.DPI) && slices.Contains(pa.media, mediaA4)

	jobID, err := d.printJob(ctx, doc.Name, copies, askA4, data, typeName)
	if err != nil {
		return res, err
	}
	res.JobID = int(jobID)
	return d.waitJob(ctx, jobID, res)
}

// printJob sends Print-Job, retrying while the printer is busy, and returns the job-id.
func (d *Dev) printJob(ctx context.Context, name string, copies int, askA4 bool, data []byte, typeName string) (int32, error) {
	if name == "" {
		name = "Mitra document"
	}
	for attempt := 0; ; attempt++ {
		m, err := d.roundTrip(ctx, OpPrintJob, "Print-Job", func(g *Group) []Group {
			g.Add("requesting-user-name", String(TagName, d.opts.UserName))
			g.Add("job-name", String(TagName, name))
			g.Add("document-format", String(TagMimeMediaType, FormatPWGRaster))
			job := Group{Tag: TagJob}
			if copies > 1 {
				job.Add("copies", Integer(int32(copies)))
			}
			if askA4 {
				job.Add("media", Keyword(mediaA4))
			}
			if len(job.Attrs) == 0 {
				return nil
			}
			return []Group{job}
		}, data)
		var se *StatusError
		if errors.As(err, &se) {
			switch se.Status {
			case StatusBusy:
				if attempt < d.opts.BusyRetries {
					if err := sleep(ctx, d.opts.BusyBackoff); err != nil {
						return 0, fmt.Errorf("ipp: Print-Job: waiting for a busy printer: %w", err)
					}
					continue
				}
				return 0, fmt.Errorf("%w: ipp: printer still busy after %d attempts: %w", printer.ErrOffline, attempt+1, err)
			case StatusDocumentFormatNotSupported:
				return 0, fmt.Errorf("%w: ipp: printer refused %s (%s) although it lists it: %w", printer.ErrFault, FormatPWGRaster, typeName, err)
			case StatusAttributesNotSupported:
				return 0, fmt.Errorf("%w: ipp: printer refused job attributes %s: %w", printer.ErrFault, unsupportedNames(m), err)
			}
			return 0, wrapStatus(err)
		}
		if err != nil {
			return 0, err
		}
		a, ok := m.Lookup(TagJob, "job-id")
		id, isInt := a.Int()
		if !ok || !isInt || id <= 0 {
			return 0, fmt.Errorf("%w: ipp: Print-Job accepted without a job-id", printer.ErrFault)
		}
		return id, nil
	}
}

func unsupportedNames(m *Message) string {
	if m == nil {
		return "(not listed)"
	}
	g := m.Group(TagUnsupported)
	if g == nil {
		return "(not listed)"
	}
	var names []string
	for _, a := range g.Attrs {
		names = append(names, a.Name)
	}
	return strings.Join(names, ",")
}

// jobStatus is one Get-Job-Attributes answer.
type jobStatus struct {
	state   JobState
	reasons []string
	message string
	pages   int
}

func (d *Dev) getJob(ctx context.Context, id int32) (jobStatus, error) {
	m, err := d.roundTrip(ctx, OpGetJobAttributes, "Get-Job-Attributes", func(g *Group) []Group {
		g.Add("job-id", Integer(id))
		g.Add("requesting-user-name", String(TagName, d.opts.UserName))
		g.Add("requested-attributes", Keyword("job-state"), Keyword("job-state-reasons"),
			Keyword("job-state-message"), Keyword("job-impressions-completed"))
		return nil
	}, nil)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Status == StatusNotFound {
			return jobStatus{}, fmt.Errorf("%w: ipp: job %d vanished from the printer (restarted?): %w", printer.ErrFault, id, err)
		}
		return jobStatus{}, wrapStatus(err)
	}
	g := m.Group(TagJob)
	if g == nil {
		return jobStatus{}, fmt.Errorf("%w: ipp: Get-Job-Attributes: no job attributes", printer.ErrFault)
	}
	a, _ := g.Lookup("job-state")
	st, ok := a.Int()
	if !ok {
		return jobStatus{}, fmt.Errorf("%w: ipp: Get-Job-Attributes: no job-state", printer.ErrFault)
	}
	js := jobStatus{state: JobState(st), pages: -1}
	if a, ok := g.Lookup("job-state-reasons"); ok {
		js.reasons = a.Strings()
	}
	if a, ok := g.Lookup("job-state-message"); ok && len(a.Values) > 0 {
		js.message = a.Values[0].String()
	}
	if a, ok := g.Lookup("job-impressions-completed"); ok {
		if n, ok := a.Int(); ok {
			js.pages = int(n)
		}
	}
	return js, nil
}

// waitJob polls the job until it ends, the printer stalls for longer than
// StallTimeout, or ctx ends. A printer that stops answering mid-job also
// counts as stalled: a network blip or a printer reboot should not fail a
// job the printer has already accepted.
func (d *Dev) waitJob(ctx context.Context, id int32, res printer.JobResult) (printer.JobResult, error) {
	var stalledSince time.Time
	for {
		stall, done, err := d.pollJob(ctx, id, &res)
		if ctx.Err() != nil {
			return res, d.cancelAfter(id, fmt.Errorf("ipp: job %d: %w", id, ctx.Err()))
		}
		if done {
			return res, err
		}
		if stall == nil {
			stalledSince = time.Time{}
		} else if stalledSince.IsZero() {
			stalledSince = time.Now()
		} else if time.Since(stalledSince) >= d.opts.StallTimeout {
			return res, d.cancelAfter(id, fmt.Errorf("ipp: job %d given up after %v: %w", id, d.opts.StallTimeout, stall))
		}
		if err := sleep(ctx, d.opts.PollInterval); err != nil {
			return res, d.cancelAfter(id, fmt.Errorf("ipp: job %d: %w", id, err))
		}
	}
}

// pollJob asks for the job's state once. It returns done with the job's
// outcome when the job has ended or cannot be followed, or else the reason
// the job is not progressing (nil when it is).
func (d *Dev) pollJob(ctx context.Context, id int32, res *printer.JobResult) (stall error, done bool, outcome error) {
	js, err := d.getJob(ctx, id)
	if errors.Is(err, printer.ErrOffline) {
		return err, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	res.Reasons, res.Pages = js.reasons, js.pages
	why := strings.Join(js.reasons, ",")
	if js.message != "" {
		why += " (" + js.message + ")"
	}
	switch js.state {
	case JobCompleted:
		return nil, true, nil
	case JobAborted:
		if slices.ContainsFunc(js.reasons, func(r string) bool { return strings.HasPrefix(r, "media-") }) {
			return nil, true, fmt.Errorf("%w: ipp: job %d aborted: %s", printer.ErrPaperOut, id, why)
		}
		return nil, true, fmt.Errorf("%w: ipp: job %d aborted by the printer: %s", printer.ErrFault, id, why)
	case JobCanceled:
		return nil, true, fmt.Errorf("%w: ipp: job %d canceled at the printer: %s", printer.ErrFault, id, why)
	}
	// Still pending or processing: is the printer waiting for someone?
	pa, err := d.getPrinterAttributes(ctx, statusAttributes)
	if errors.Is(err, printer.ErrOffline) {
		return err, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if stall := blocked(pa); stall != nil {
		return stall, false, nil
	}
	if js.state == JobProcessingStopped {
		return fmt.Errorf("%w: ipp: job %d stopped: %s", printer.ErrFault, id, why), false, nil
	}
	return nil, false, nil
}

// cancelTimeout bounds the Cancel-Job sent after the caller's context ended.
const cancelTimeout = 5 * time.Second

// cancelAfter cancels job id on the printer so that it does not print
// later, unattended, and returns cause (with the cancel failure, if any).
func (d *Dev) cancelAfter(id int32, cause error) error {
	ctx, stop := context.WithTimeout(context.Background(), cancelTimeout)
	defer stop()
	_, err := d.roundTrip(ctx, OpCancelJob, "Cancel-Job", func(g *Group) []Group {
		g.Add("job-id", Integer(id))
		g.Add("requesting-user-name", String(TagName, d.opts.UserName))
		return nil
	}, nil)
	var se *StatusError
	if err != nil && !(errors.As(err, &se) && se.Status == StatusNotPossible) { // not-possible: it just finished
		return fmt.Errorf("%w (and Cancel-Job failed: %v)", cause, err)
	}
	return cause
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
