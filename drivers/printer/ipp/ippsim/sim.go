package ippsim

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/pwgraster"
)

// maxRequest bounds a request body. A 300 dpi A4 colour page is 26 MB
// uncompressed and a few MB as PWG raster, so this holds any test document.
const maxRequest = 256 << 20

// Opts describe the simulated printer. Zero fields take DefaultOpts values.
type Opts struct {
	// SpoolDir receives job-<id>-page-<n>.png for every printed page.
	SpoolDir string
	// Formats is document-format-supported.
	Formats []string
	// RasterTypes is pwg-raster-document-type-supported.
	RasterTypes []string
	// Resolutions is pwg-raster-document-resolution-supported, in dpi.
	Resolutions []int
	// Media is media-supported; the first is media-default and media-ready.
	Media []string
}

// DefaultOpts is a colour A4 office printer.
var DefaultOpts = Opts{
	Formats:     []string{"application/octet-stream", "image/pwg-raster"},
	RasterTypes: []string{"black_1", "sgray_8", "srgb_8"},
	Resolutions: []int{300, 600},
	Media:       []string{"iso_a4_210x297mm", "na_letter_8.5x11in"},
}

// Job is what the simulator knows about one job.
type Job struct {
	ID      int
	Name    string
	User    string
	Copies  int
	Media   string
	State   ipp.JobState
	Reasons []string
	// Header of the first page; Pages are the decoded pages.
	Header *pwgraster.Header
	Pages  []image.Image
	// Printed lists the spooled PNG files, one per page printed so far.
	Printed []string
	abortAt int // pages after which the job aborts; -1 never
}

// Sim is a simulated IPP printer. Its methods are safe for concurrent use.
type Sim struct {
	opts Opts

	mu          sync.Mutex
	jobs        []*Job
	mediaEmpty  bool
	coverOpen   bool
	busy        int
	abortAfter  int // for the next job; -1 none
	rejectPWG   bool
	lastRequest *ipp.Message
	// firstID numbers this run's jobs after those already in the spool
	// directory, so a restarted kiosk never overwrites a spooled page.
	firstID int
}

// New returns a simulated printer.
func New(opts Opts) *Sim {
	o := DefaultOpts
	o.SpoolDir = opts.SpoolDir
	if opts.Formats != nil {
		o.Formats = opts.Formats
	}
	if opts.RasterTypes != nil {
		o.RasterTypes = opts.RasterTypes
	}
	if opts.Resolutions != nil {
		o.Resolutions = opts.Resolutions
	}
	if opts.Media != nil {
		o.Media = opts.Media
	}
	return &Sim{opts: o, abortAfter: -1, firstID: lastSpooledJob(o.SpoolDir) + 1}
}

// lastSpooledJob is the highest job number spooled in dir (0 if none).
func lastSpooledJob(dir string) int {
	if dir == "" {
		return 0
	}
	names, _ := filepath.Glob(filepath.Join(dir, "job-*-page-*.png"))
	last := 0
	for _, n := range names {
		var id, page int
		if _, err := fmt.Sscanf(filepath.Base(n), "job-%d-page-%d.png", &id, &page); err == nil {
			last = max(last, id)
		}
	}
	return last
}

// SetMediaEmpty takes the paper out (true) or loads it (false).
func (s *Sim) SetMediaEmpty(empty bool) { s.mu.Lock(); s.mediaEmpty = empty; s.mu.Unlock() }

// SetCoverOpen opens or closes the cover.
func (s *Sim) SetCoverOpen(open bool) { s.mu.Lock(); s.coverOpen = open; s.mu.Unlock() }

// SetBusy makes the next n Print-Job requests fail with server-error-busy.
func (s *Sim) SetBusy(n int) { s.mu.Lock(); s.busy = n; s.mu.Unlock() }

// AbortNextJob makes the next job abort (aborted-by-system) after it has
// printed pages pages.
func (s *Sim) AbortNextJob(pages int) { s.mu.Lock(); s.abortAfter = pages; s.mu.Unlock() }

// SetRejectFormat makes Print-Job answer
// client-error-document-format-not-supported for PWG raster even though the
// printer lists it, as some firmware does for raster types it mislists.
func (s *Sim) SetRejectFormat(reject bool) { s.mu.Lock(); s.rejectPWG = reject; s.mu.Unlock() }

// Jobs returns a copy of every job received.
func (s *Sim) Jobs() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Job, len(s.jobs))
	for i, j := range s.jobs {
		out[i] = *j
		out[i].Reasons = slices.Clone(j.Reasons)
		out[i].Printed = slices.Clone(j.Printed)
	}
	return out
}

// LastRequest returns the last request decoded, for tests of the client's wire format.
func (s *Sim) LastRequest() *ipp.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastRequest
}

// ServeHTTP implements http.Handler: one IPP operation per POST.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "IPP needs POST", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != ipp.ContentType {
		http.Error(w, "Content-Type must be "+ipp.ContentType, http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > maxRequest {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	resp := s.handle(body)
	out, err := resp.MarshalBinary()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ipp.ContentType)
	w.Write(out)
}

// response starts a response with the operation attributes every response
// carries (RFC 8011 §4.1.4.2).
func response(req *ipp.Message, status uint16, message string) *ipp.Message {
	m := &ipp.Message{Version: [2]byte{1, 1}, Code: status}
	if req != nil {
		m.RequestID = req.RequestID
	}
	g := ipp.Group{Tag: ipp.TagOperation}
	g.Add("attributes-charset", ipp.String(ipp.TagCharset, "utf-8"))
	g.Add("attributes-natural-language", ipp.String(ipp.TagLanguage, "en"))
	if message != "" {
		g.Add("status-message", ipp.String(ipp.TagText, message))
	}
	m.Groups = append(m.Groups, g)
	return m
}

func (s *Sim) handle(body []byte) *ipp.Message {
	req, n, err := ipp.Decode(body)
	if err != nil {
		return response(nil, ipp.StatusBadRequest, err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastRequest = req
	if req.Version[0] != 1 && req.Version[0] != 2 {
		return response(req, ipp.StatusVersionNotSupported, fmt.Sprintf("IPP/%d.%d", req.Version[0], req.Version[1]))
	}
	// RFC 8011 §4.1.4.1: the operation group comes first and starts with
	// attributes-charset then attributes-natural-language.
	if len(req.Groups) == 0 || req.Groups[0].Tag != ipp.TagOperation || len(req.Groups[0].Attrs) < 3 ||
		req.Groups[0].Attrs[0].Name != "attributes-charset" || req.Groups[0].Attrs[1].Name != "attributes-natural-language" {
		return response(req, ipp.StatusBadRequest, "operation attributes must start with attributes-charset, attributes-natural-language")
	}
	if _, ok := req.Lookup(ipp.TagOperation, "printer-uri"); !ok {
		return response(req, ipp.StatusBadRequest, "missing printer-uri")
	}
	switch req.Code {
	case ipp.OpGetPrinterAttributes:
		return s.printerAttributes(req)
	case ipp.OpPrintJob:
		return s.printJob(req, body[n:])
	case ipp.OpGetJobAttributes:
		return s.jobAttributes(req)
	case ipp.OpCancelJob:
		return s.cancelJob(req)
	}
	return response(req, ipp.StatusOperationNotSupported, fmt.Sprintf("operation %#04x", req.Code))
}

// printerState is printer-state and printer-state-reasons now.
func (s *Sim) printerState() (int32, []string, string) {
	switch {
	case s.mediaEmpty:
		return ipp.PrinterStopped, []string{"media-empty-error", "media-needed-error"}, "Load paper."
	case s.coverOpen:
		return ipp.PrinterStopped, []string{"cover-open-error"}, "Close the cover."
	}
	for _, j := range s.jobs {
		if !j.State.Terminal() {
			return ipp.PrinterProcessing, []string{"none"}, "Printing."
		}
	}
	return ipp.PrinterIdle, []string{"none"}, "Idle."
}

func keywords(tag byte, ss []string) []ipp.Value {
	v := make([]ipp.Value, len(ss))
	for i, s := range ss {
		v[i] = ipp.String(tag, s)
	}
	return v
}

func (s *Sim) printerAttributes(req *ipp.Message) *ipp.Message {
	state, reasons, msg := s.printerState()
	all := ipp.Group{Tag: ipp.TagPrinter}
	all.Add("printer-name", ipp.String(ipp.TagName, "Mitra simulated printer"))
	all.Add("printer-state", ipp.Enum(state))
	all.Add("printer-state-reasons", keywords(ipp.TagKeyword, reasons)...)
	all.Add("printer-state-message", ipp.String(ipp.TagText, msg))
	all.Add("printer-is-accepting-jobs", ipp.Boolean(true))
	all.Add("ipp-versions-supported", ipp.Keyword("1.1"), ipp.Keyword("2.0"))
	all.Add("operations-supported", ipp.Enum(int32(ipp.OpPrintJob)), ipp.Enum(int32(ipp.OpCancelJob)),
		ipp.Enum(int32(ipp.OpGetJobAttributes)), ipp.Enum(int32(ipp.OpGetPrinterAttributes)))
	all.Add("document-format-supported", keywords(ipp.TagMimeMediaType, s.opts.Formats)...)
	all.Add("document-format-default", ipp.String(ipp.TagMimeMediaType, s.opts.Formats[0]))
	all.Add("pwg-raster-document-type-supported", keywords(ipp.TagKeyword, s.opts.RasterTypes)...)
	var res []ipp.Value
	for _, d := range s.opts.Resolutions {
		res = append(res, ipp.Resolution(int32(d), int32(d)))
	}
	all.Add("pwg-raster-document-resolution-supported", res...)
	all.Add("media-supported", keywords(ipp.TagKeyword, s.opts.Media)...)
	all.Add("media-default", ipp.Keyword(s.opts.Media[0]))
	if s.mediaEmpty {
		all.Add("media-ready", ipp.OutOfBand(ipp.TagNoValue))
	} else {
		all.Add("media-ready", ipp.Keyword(s.opts.Media[0]))
		// A collection, as real printers send, so clients must skip or parse them.
		all.Add("media-col-ready", ipp.Collection(
			ipp.Attribute{Name: "media-size", Values: []ipp.Value{ipp.Collection(
				ipp.Attribute{Name: "x-dimension", Values: []ipp.Value{ipp.Integer(21000)}},
				ipp.Attribute{Name: "y-dimension", Values: []ipp.Value{ipp.Integer(29700)}},
			)}},
			ipp.Attribute{Name: "media-source", Values: []ipp.Value{ipp.Keyword("main")}},
		))
	}
	all.Add("copies-supported", ipp.RangeOfInteger(1, 99))
	resp := response(req, ipp.StatusOK, "")
	want, filtered := req.Lookup(ipp.TagOperation, "requested-attributes")
	if !filtered || want.Has("all") {
		resp.Groups = append(resp.Groups, all)
		return resp
	}
	g := ipp.Group{Tag: ipp.TagPrinter}
	for _, a := range all.Attrs {
		if want.Has(a.Name) {
			g.Attrs = append(g.Attrs, a)
		}
	}
	resp.Groups = append(resp.Groups, g)
	return resp
}

func name(req *ipp.Message, group byte, attr, def string) string {
	if a, ok := req.Lookup(group, attr); ok && len(a.Values) > 0 {
		return a.Values[0].String()
	}
	return def
}

func (s *Sim) printJob(req *ipp.Message, doc []byte) *ipp.Message {
	if s.busy > 0 {
		s.busy--
		return response(req, ipp.StatusBusy, "Currently printing another job.")
	}
	format := name(req, ipp.TagOperation, "document-format", s.opts.Formats[0])
	if !slices.Contains(s.opts.Formats, format) || (s.rejectPWG && format == "image/pwg-raster") {
		resp := response(req, ipp.StatusDocumentFormatNotSupported, "Unsupported format "+format+".")
		u := ipp.Group{Tag: ipp.TagUnsupported}
		u.Add("document-format", ipp.String(ipp.TagMimeMediaType, format))
		resp.Groups = append(resp.Groups, u)
		return resp
	}
	if format != "image/pwg-raster" {
		return response(req, ipp.StatusDocumentFormatNotSupported, "The simulator prints only image/pwg-raster.")
	}
	job := &Job{ID: s.firstID + len(s.jobs), Name: name(req, ipp.TagOperation, "job-name", "Untitled"),
		User: name(req, ipp.TagOperation, "requesting-user-name", "anonymous"), Copies: 1,
		Media: s.opts.Media[0], State: ipp.JobPending, abortAt: s.abortAfter}
	unsupported := ipp.Group{Tag: ipp.TagUnsupported}
	if a, ok := req.Lookup(ipp.TagJob, "copies"); ok {
		if n, ok := a.Int(); ok && n >= 1 && n <= 99 {
			job.Copies = int(n)
		} else {
			unsupported.Attrs = append(unsupported.Attrs, a)
		}
	}
	if a, ok := req.Lookup(ipp.TagJob, "media"); ok {
		if m := a.Values[0].String(); slices.Contains(s.opts.Media, m) {
			job.Media = m
		} else {
			unsupported.Attrs = append(unsupported.Attrs, a)
		}
	}
	if len(unsupported.Attrs) > 0 {
		// ipp-attribute-fidelity is false by default: a real printer would
		// substitute; this one refuses so that tests see what the client sent.
		resp := response(req, ipp.StatusAttributesNotSupported, "Unsupported job attributes.")
		resp.Groups = append(resp.Groups, unsupported)
		return resp
	}
	s.abortAfter = -1
	s.jobs = append(s.jobs, job)
	dec := pwgraster.NewDecoder(bytes.NewReader(doc))
	for {
		h, img, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			job.State, job.Reasons = ipp.JobAborted, []string{"document-format-error"}
			break
		}
		if job.Header == nil {
			job.Header = h
		}
		if !slices.Contains(s.opts.RasterTypes, rasterType(h)) || !slices.Contains(s.opts.Resolutions, int(h.HWResolution[0])) {
			job.State, job.Reasons = ipp.JobAborted, []string{"document-unprintable-error"}
			break
		}
		job.Pages = append(job.Pages, img)
	}
	if job.State == ipp.JobPending && len(job.Pages) == 0 {
		job.State, job.Reasons = ipp.JobAborted, []string{"document-format-error"}
	}
	if job.State == ipp.JobPending {
		job.Reasons = []string{"job-incoming"}
	}
	resp := response(req, ipp.StatusOK, "")
	resp.Groups = append(resp.Groups, jobGroup(job))
	return resp
}

func rasterType(h *pwgraster.Header) string {
	switch {
	case h.ColorSpace == pwgraster.Black && h.BitsPerPixel == 1:
		return "black_1"
	case h.ColorSpace == pwgraster.SGray && h.BitsPerPixel == 8:
		return "sgray_8"
	case h.ColorSpace == pwgraster.SRGB && h.BitsPerPixel == 24:
		return "srgb_8"
	}
	return fmt.Sprintf("colorspace-%d-%dbit", h.ColorSpace, h.BitsPerPixel)
}

func jobGroup(j *Job) ipp.Group {
	g := ipp.Group{Tag: ipp.TagJob}
	g.Add("job-id", ipp.Integer(int32(j.ID)))
	g.Add("job-uri", ipp.String(ipp.TagURI, fmt.Sprintf("ipp://localhost/ipp/print/%d", j.ID)))
	g.Add("job-state", ipp.Enum(int32(j.State)))
	g.Add("job-state-reasons", keywords(ipp.TagKeyword, j.Reasons)...)
	g.Add("job-impressions-completed", ipp.Integer(int32(len(j.Printed)*j.Copies)))
	return g
}

func (s *Sim) findJob(req *ipp.Message) (*Job, *ipp.Message) {
	a, ok := req.Lookup(ipp.TagOperation, "job-id")
	id, isInt := a.Int()
	if !ok || !isInt {
		return nil, response(req, ipp.StatusBadRequest, "missing job-id")
	}
	for _, j := range s.jobs {
		if j.ID == int(id) {
			return j, nil
		}
	}
	return nil, response(req, ipp.StatusNotFound, fmt.Sprintf("job %d does not exist", id))
}

// jobAttributes answers Get-Job-Attributes and advances the job one page.
func (s *Sim) jobAttributes(req *ipp.Message) *ipp.Message {
	j, errResp := s.findJob(req)
	if errResp != nil {
		return errResp
	}
	s.advance(j)
	resp := response(req, ipp.StatusOK, "")
	resp.Groups = append(resp.Groups, jobGroup(j))
	return resp
}

// advance moves a job one step: start it, or print its next page.
func (s *Sim) advance(j *Job) {
	if j.State.Terminal() {
		return
	}
	if s.mediaEmpty || s.coverOpen {
		if j.State == ipp.JobProcessing || j.State == ipp.JobProcessingStopped {
			j.State, j.Reasons = ipp.JobProcessingStopped, []string{"printer-stopped"}
		}
		return
	}
	if j.State == ipp.JobPending {
		j.State, j.Reasons = ipp.JobProcessing, []string{"job-printing"}
		return
	}
	j.State, j.Reasons = ipp.JobProcessing, []string{"job-printing"}
	if j.abortAt >= 0 && len(j.Printed) >= j.abortAt {
		j.State, j.Reasons = ipp.JobAborted, []string{"aborted-by-system"}
		return
	}
	page := len(j.Printed)
	path, err := s.spool(j, page)
	if err != nil {
		j.State, j.Reasons = ipp.JobAborted, []string{"aborted-by-system"}
		return
	}
	j.Printed = append(j.Printed, path)
	if len(j.Printed) == len(j.Pages) {
		j.State, j.Reasons = ipp.JobCompleted, []string{"job-completed-successfully"}
	}
}

func (s *Sim) spool(j *Job, page int) (string, error) {
	if s.opts.SpoolDir == "" {
		return "", nil
	}
	if err := os.MkdirAll(s.opts.SpoolDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(s.opts.SpoolDir, fmt.Sprintf("job-%d-page-%d.png", j.ID, page+1))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := png.Encode(f, j.Pages[page]); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

func (s *Sim) cancelJob(req *ipp.Message) *ipp.Message {
	j, errResp := s.findJob(req)
	if errResp != nil {
		return errResp
	}
	if j.State.Terminal() {
		return response(req, ipp.StatusNotPossible, fmt.Sprintf("job %d is already %v", j.ID, j.State))
	}
	j.State, j.Reasons = ipp.JobCanceled, []string{"job-canceled-by-user"}
	return response(req, ipp.StatusOK, "")
}
