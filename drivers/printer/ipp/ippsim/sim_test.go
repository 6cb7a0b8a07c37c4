package ippsim

import (
	"bytes"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/pwgraster"
)

// post sends one request built by hand and decodes the answer.
func post(t *testing.T, srv *httptest.Server, m *ipp.Message, doc []byte) *ipp.Message {
	t.Helper()
	body, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL+"/ipp/print", ipp.ContentType, bytes.NewReader(append(body, doc...)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out, _, err := ipp.Decode(raw)
	if err != nil {
		t.Fatalf("response: %v", err)
	}
	if out.RequestID != m.RequestID {
		t.Errorf("request-id %d, want %d", out.RequestID, m.RequestID)
	}
	return out
}

func request(op uint16, attrs ...ipp.Attribute) *ipp.Message {
	g := ipp.Group{Tag: ipp.TagOperation}
	g.Add("attributes-charset", ipp.String(ipp.TagCharset, "utf-8"))
	g.Add("attributes-natural-language", ipp.String(ipp.TagLanguage, "en"))
	g.Add("printer-uri", ipp.String(ipp.TagURI, "ipp://localhost/ipp/print"))
	g.Attrs = append(g.Attrs, attrs...)
	return &ipp.Message{Version: [2]byte{1, 1}, Code: op, RequestID: 9, Groups: []ipp.Group{g}}
}

func TestRequestValidation(t *testing.T) {
	srv := httptest.NewServer(New(Opts{}))
	defer srv.Close()
	noCharset := request(ipp.OpGetPrinterAttributes)
	noCharset.Groups[0].Attrs = noCharset.Groups[0].Attrs[1:]
	v3 := request(ipp.OpGetPrinterAttributes)
	v3.Version = [2]byte{3, 0}
	for _, tt := range []struct {
		name string
		req  *ipp.Message
		want uint16
	}{
		{"charset not first", noCharset, ipp.StatusBadRequest},
		{"IPP/3.0", v3, ipp.StatusVersionNotSupported},
		{"Validate-Job unsupported", request(ipp.OpValidateJob), ipp.StatusOperationNotSupported},
		{"unknown job", request(ipp.OpGetJobAttributes, ipp.Attribute{Name: "job-id", Values: []ipp.Value{ipp.Integer(5)}}), ipp.StatusNotFound},
		{"PDF refused", request(ipp.OpPrintJob, ipp.Attribute{Name: "document-format", Values: []ipp.Value{ipp.String(ipp.TagMimeMediaType, "application/pdf")}}), ipp.StatusDocumentFormatNotSupported},
	} {
		if got := post(t, srv, tt.req, nil).Code; got != tt.want {
			t.Errorf("%s: status %s, want %s", tt.name, ipp.StatusName(got), ipp.StatusName(tt.want))
		}
	}
	resp, err := http.Get(srv.URL + "/ipp/print")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: HTTP %d, want 405", resp.StatusCode)
	}
}

func TestCorruptRasterAbortsJob(t *testing.T) {
	sim := New(Opts{SpoolDir: t.TempDir()})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	var doc bytes.Buffer
	pwgraster.NewEncoder(&doc).Encode(image.NewGray(image.Rect(0, 0, 50, 50)), pwgraster.Header{ColorSpace: pwgraster.SGray, HWResolution: [2]uint32{300, 300}})
	truncated := doc.Bytes()[:doc.Len()-3]
	pwg := ipp.Attribute{Name: "document-format", Values: []ipp.Value{ipp.String(ipp.TagMimeMediaType, "image/pwg-raster")}}
	resp := post(t, srv, request(ipp.OpPrintJob, pwg), truncated)
	if resp.Code != ipp.StatusOK {
		t.Fatalf("Print-Job: %s", ipp.StatusName(resp.Code))
	}
	a, _ := resp.Lookup(ipp.TagJob, "job-state")
	if st, _ := a.Int(); ipp.JobState(st) != ipp.JobAborted {
		t.Errorf("job-state = %v, want aborted", ipp.JobState(st))
	}
	r, _ := resp.Lookup(ipp.TagJob, "job-state-reasons")
	if !r.Has("document-format-error") {
		t.Errorf("job-state-reasons = %v, want document-format-error", r.Strings())
	}
	if p := sim.Jobs()[0].Printed; len(p) != 0 {
		t.Errorf("printed %v from a corrupt document", p)
	}
}

func TestRequestedAttributesFilter(t *testing.T) {
	srv := httptest.NewServer(New(Opts{}))
	defer srv.Close()
	resp := post(t, srv, request(ipp.OpGetPrinterAttributes,
		ipp.Attribute{Name: "requested-attributes", Values: []ipp.Value{ipp.Keyword("printer-state"), ipp.Keyword("media-supported")}}), nil)
	g := resp.Group(ipp.TagPrinter)
	if g == nil || len(g.Attrs) != 2 || g.Attrs[0].Name != "printer-state" || g.Attrs[1].Name != "media-supported" {
		t.Errorf("printer group = %+v, want printer-state and media-supported only", g)
	}
}
