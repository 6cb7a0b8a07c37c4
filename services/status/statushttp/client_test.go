package statushttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/services/status"
	"github.com/mitra-kiosk/mitra/services/status/statushttp"
	"github.com/mitra-kiosk/mitra/services/status/statussandbox"
)

const dataDir = "../../../testdata/status"

// server runs the sandbox back-end behind a real HTTP server, counting
// the look-ups that reach it.
type server struct {
	backend *statussandbox.Backend
	lookups atomic.Int32
	client  *statushttp.Client
}

func start(t testing.TB) *server {
	t.Helper()
	b, err := statussandbox.NewFromDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{backend: b}
	h := b.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/status/lookup" {
			s.lookups.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.client = statushttp.New(srv.URL+"/", srv.Client())
	return s
}

func TestSpecs(t *testing.T) {
	s := start(t)
	specs, err := s.client.Specs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, sp := range specs {
		kinds = append(kinds, string(sp.Kind))
	}
	if got, want := strings.Join(kinds, " "), "grievance court-case application scheme-beneficiary exam-result"; got != want {
		t.Errorf("Specs() kinds = %s, want %s", got, want)
	}
	// The caller's copy is its own: changing it does not loosen the
	// client's validation.
	specs[1].Pattern = `^.*$`
	if _, err := s.client.Lookup(context.Background(), status.CourtCase, "RJJP0100", ""); !errors.Is(err, status.ErrInvalidRef) {
		t.Errorf("Lookup(short CNR) after changing the returned specs = %v, want ErrInvalidRef", err)
	}
}

func TestLookup(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	for _, tt := range []struct {
		kind        status.Kind
		ref, option string
		wantErr     error
		wantRef     string
		wantCode    status.Code
		wantPosted  bool // the request reached the back-end
	}{
		{status.Grievance, "2026-jpr-0123456", "", nil, "2026-JPR-0123456", status.InProgress, true},
		{status.Grievance, "2026-JPR-9999999", "", status.ErrNotFound, "", "", true},
		{status.Grievance, "2026-JPR-12", "", status.ErrInvalidRef, "", "", false},
		{status.CourtCase, "RJJD020004562024", "", nil, "RJJD020004562024", status.Completed, true},
		{status.CourtCase, "RJJD02000456202", "", status.ErrInvalidRef, "", "", false},
		{status.Application, "26110300007702", "", nil, "26110300007702", status.ActionNeeded, true},
		{status.SchemeBeneficiary, "1047788990", "CHIRANJEEVI", nil, "XXXXXX8990", status.ActionNeeded, true},
		{status.SchemeBeneficiary, "SJE250067890", "SJE-SCHOLARSHIP", nil, "SJE250067890", status.Rejected, true},
		{status.SchemeBeneficiary, "SJE250067890", "PM-KISAN", status.ErrInvalidRef, "", "", false},
		{status.SchemeBeneficiary, "1047788990", "", status.ErrInvalidRef, "", "", false},
		{status.ExamResult, "2254321", "RBSE-12-SCI-2026", nil, "2254321", status.Withheld, true},
		{status.ExamResult, "10234567", "RSSB-PATWARI-2025", nil, "10234567", status.Failed, true},
		{status.ExamResult, "1023456", "RSSB-PATWARI-2025", status.ErrInvalidRef, "", "", false},
		{"ration-card", "1", "", status.ErrInvalidRef, "", "", false},
	} {
		before := s.lookups.Load()
		r, err := s.client.Lookup(ctx, tt.kind, tt.ref, tt.option)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("Lookup(%s, %q, %q) = %v, want %v", tt.kind, tt.ref, tt.option, err, tt.wantErr)
			continue
		}
		if posted := s.lookups.Load() > before; posted != tt.wantPosted {
			t.Errorf("Lookup(%s, %q, %q) reached the back-end: %v, want %v", tt.kind, tt.ref, tt.option, posted, tt.wantPosted)
		}
		if errors.Is(err, status.ErrUnavailable) {
			t.Errorf("Lookup(%s, %q) = %v: a definite answer must not wrap ErrUnavailable", tt.kind, tt.ref, err)
		}
		if err == nil && (r.Ref != tt.wantRef || r.Status.Code != tt.wantCode || len(r.Lines()) < 5) {
			t.Errorf("Lookup(%s, %q) = %s %s, %d lines; want %s %s", tt.kind, tt.ref, r.Ref, r.Status.Code, len(r.Lines()), tt.wantRef, tt.wantCode)
		}
	}
}

// TestSpecsFetchedOnce: the first look-up fetches the specs, later ones
// reuse them.
func TestSpecsFetchedOnce(t *testing.T) {
	var specGets atomic.Int32
	b, err := statussandbox.NewFromDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	h := b.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/status/specs" {
			specGets.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := statushttp.New(srv.URL, srv.Client())
	for range 3 {
		if _, err := c.Lookup(context.Background(), status.Grievance, "2026-KOT-0009102", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := specGets.Load(); n != 1 {
		t.Errorf("three look-ups fetched the specs %d times, want once", n)
	}
}

func TestFaults(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	if _, err := s.client.Specs(ctx); err != nil {
		t.Fatal(err)
	}
	s.backend.SetFaults(statussandbox.Faults{Mode: statussandbox.ModeDown})
	if _, err := s.client.Specs(ctx); !errors.Is(err, status.ErrUnavailable) {
		t.Errorf("Specs(down) = %v, want ErrUnavailable", err)
	}
	_, err := s.client.Lookup(ctx, status.Grievance, "2026-JPR-0123456", "")
	var se *statushttp.Error
	if !errors.Is(err, status.ErrUnavailable) || !errors.As(err, &se) || se.StatusCode != 503 || se.Code != "UNAVAILABLE" {
		t.Errorf("Lookup(down) = %v, want a 503 UNAVAILABLE *Error wrapping ErrUnavailable", err)
	}

	// Slow, and the kiosk's deadline is shorter: the call ends at the
	// deadline, as unavailable.
	s.backend.SetFaults(statussandbox.Faults{Mode: statussandbox.ModeSlow, SlowMillis: 60_000})
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = s.client.Lookup(tctx, status.Grievance, "2026-JPR-0123456", "")
	if !errors.Is(err, status.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lookup(slow, short deadline) = %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	// Slow, within the deadline: the answer arrives.
	s.backend.SetFaults(statussandbox.Faults{Mode: statussandbox.ModeSlow, SlowMillis: 20})
	lctx, cancel2 := context.WithTimeout(ctx, 30*time.Second)
	defer cancel2()
	if r, err := s.client.Lookup(lctx, status.Grievance, "2026-JPR-0123456", ""); err != nil || r.Status.Code != status.InProgress {
		t.Errorf("Lookup(slow, long deadline) = %+v, %v", r.Status, err)
	}
}

func TestTransportFailures(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	if _, err := statushttp.New(url, nil).Specs(context.Background()); !errors.Is(err, status.ErrUnavailable) {
		t.Errorf("Specs(no server) = %v, want ErrUnavailable", err)
	}
	if _, err := statushttp.New(url, nil).Lookup(context.Background(), status.Grievance, "2026-JPR-0123456", ""); !errors.Is(err, status.ErrUnavailable) {
		t.Errorf("Lookup(no server) = %v, want ErrUnavailable (the specs could not be fetched)", err)
	}
	if _, err := statushttp.New("http://bad host", nil).Specs(context.Background()); !errors.Is(err, status.ErrUnavailable) {
		t.Errorf("Specs(malformed URL) = %v, want ErrUnavailable", err)
	}
}

// specsJSON is the sandbox's specs answer, for canned back-ends.
func specsJSON(t testing.TB) string {
	t.Helper()
	b, err := statussandbox.NewFromDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	specs, _ := b.Specs(context.Background())
	j, _ := json.Marshal(specs)
	return string(j)
}

// canned answers the specs route with specs and every look-up with one
// fixed response.
type canned struct {
	specs  string
	status int
	body   string
}

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	code, body := c.status, c.body
	if r.URL.Path == "/v1/status/specs" {
		code, body = 200, c.specs
	}
	return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}, Request: r}, nil
}

func cannedClient(specs string, code int, body string) *statushttp.Client {
	return statushttp.New("http://status.invalid", &http.Client{Transport: canned{specs, code, body}})
}

// goodAnswer is a valid answer to grievance 2026-JPR-0123456, as JSON
// fields that the garbled cases change.
func goodAnswer() map[string]any {
	return map[string]any{
		"kind": "grievance", "ref": "2026-JPR-0123456", "title": "Street light", "title_hi": "स्ट्रीट लाइट",
		"holder":   "R***** K****",
		"status":   map[string]any{"code": "IN_PROGRESS", "text": "Forwarded", "text_hi": "भेजी गई"},
		"office":   map[string]any{"name": "Nagar Nigam", "name_hi": "नगर निगम"},
		"timeline": []any{map[string]any{"date": "2026-10-28", "text": "Registered", "text_hi": "दर्ज"}},
	}
}

func answer(change func(map[string]any)) string {
	a := goodAnswer()
	change(a)
	j, _ := json.Marshal(a)
	return string(j)
}

// TestGarbageAnswers checks how answers the sandbox never gives (proxies,
// other back-ends, garbled or doubtful replies) are classified.
func TestGarbageAnswers(t *testing.T) {
	specs := specsJSON(t)
	ok := answer(func(map[string]any) {})
	for _, tt := range []struct {
		name    string
		status  int
		body    string
		wantErr error // nil: success
	}{
		{"good", 200, ok, nil},
		{"garbled", 200, ok[:40], status.ErrUnavailable},
		{"trailing data", 200, ok + "{}", status.ErrUnavailable},
		{"unknown field", 200, answer(func(a map[string]any) { a["next_hearing"] = "2026-12-01" }), status.ErrUnavailable},
		{"other reference", 200, answer(func(a map[string]any) { a["ref"] = "2026-JPR-0123457" }), status.ErrUnavailable},
		{"other kind", 200, answer(func(a map[string]any) { a["kind"] = "application" }), status.ErrUnavailable},
		{"an option not asked for", 200, answer(func(a map[string]any) { a["option"] = "PM-KISAN" }), status.ErrUnavailable},
		{"holder unmasked", 200, answer(func(a map[string]any) { a["holder"] = "Ramesh Kumar" }), status.ErrUnavailable},
		{"Aadhaar in the title", 200, answer(func(a map[string]any) { a["title"] = "Aadhaar 2345 6789 0124 not linked" }), status.ErrUnavailable},
		{"unknown status code", 200, answer(func(a map[string]any) { a["status"].(map[string]any)["code"] = "DONE" }), status.ErrUnavailable},
		{"no timeline", 200, answer(func(a map[string]any) { a["timeline"] = []any{} }), status.ErrUnavailable},
		{"amount as a string", 200, answer(func(a map[string]any) {
			a["amounts"] = []any{map[string]any{"label": "Fee", "label_hi": "शुल्क", "date": "2026-10-28", "amount": "50.00"}}
		}), status.ErrUnavailable},
		{"null", 200, "null", status.ErrUnavailable},
		{"empty", 200, "", status.ErrUnavailable},
		{"huge", 200, `{"title":"` + strings.Repeat("x", 300<<10) + `"}`, status.ErrUnavailable},
		{"accepted, not 200", 202, ok, status.ErrUnavailable},
		{"bad gateway page", 502, "<html>Bad Gateway</html>", status.ErrUnavailable},
		{"plain 404 (wrong base URL)", 404, "404 page not found", status.ErrUnavailable},
		{"no route", 404, `{"code":"NO_ROUTE","message":"no route"}`, status.ErrUnavailable},
		{"no record", 404, `{"code":"NO_RECORD","message":"none"}`, status.ErrNotFound},
		{"no record in a 5xx", 500, `{"code":"NO_RECORD"}`, status.ErrUnavailable},
		{"invalid ref", 400, `{"code":"INVALID_REF","message":"no"}`, status.ErrInvalidRef},
		{"bad request", 400, `{"code":"BAD_REQUEST","message":"no"}`, status.ErrUnavailable},
		{"too many requests", 429, ``, status.ErrUnavailable},
	} {
		r, err := cannedClient(specs, tt.status, tt.body).Lookup(context.Background(), status.Grievance, "2026-JPR-0123456", "")
		switch {
		case tt.wantErr == nil && err != nil:
			t.Errorf("%s: Lookup() = %v, want success", tt.name, err)
		case tt.wantErr == nil && r.Ref != "2026-JPR-0123456":
			t.Errorf("%s: Lookup() = %+v", tt.name, r)
		case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
			t.Errorf("%s: Lookup() = %v, want %v", tt.name, err, tt.wantErr)
		case tt.wantErr != nil && strings.Contains(err.Error(), "2345 6789 0124"):
			t.Errorf("%s: Lookup() = %v: the error repeats an Aadhaar number", tt.name, err)
		}
	}
}

// TestJanAadhaarAnswerMustBeMasked: an answer to a Jan Aadhaar look-up
// that shows the ID in full is refused.
func TestJanAadhaarAnswerMustBeMasked(t *testing.T) {
	body := answer(func(a map[string]any) {
		a["kind"], a["option"], a["ref"] = "scheme-beneficiary", "CHIRANJEEVI", "1047788990"
	})
	_, err := cannedClient(specsJSON(t), 200, body).Lookup(context.Background(), status.SchemeBeneficiary, "1047788990", "CHIRANJEEVI")
	if !errors.Is(err, status.ErrUnavailable) || strings.Contains(err.Error(), "1047788990") {
		t.Errorf("Lookup() with the Jan Aadhaar ID in full = %v, want ErrUnavailable that does not repeat it", err)
	}
}

func TestGarbageSpecs(t *testing.T) {
	good := specsJSON(t)
	for _, tt := range []struct{ name, body string }{
		{"not JSON", "<html>"},
		{"empty list", "[]"},
		{"broken pattern", strings.Replace(good, `^20[0-9]{2}-[A-Z]{3}-[0-9]{7}$`, `^20[0-9]{2`, 1)},
		{"no Hindi", strings.Replace(good, `"label_hi":"शिकायत संख्या"`, `"label_hi":""`, 1)},
		{"duplicate kind", strings.Replace(good, `"kind":"court-case"`, `"kind":"grievance"`, 1)},
		{"unknown field", strings.Replace(good, `"keyboard"`, `"keypad"`, 1)},
	} {
		if tt.body == good {
			t.Fatalf("%s: the replacement did not apply", tt.name)
		}
		c := statushttp.New("http://status.invalid", &http.Client{Transport: canned{tt.body, 200, ""}})
		if _, err := c.Specs(context.Background()); !errors.Is(err, status.ErrUnavailable) {
			t.Errorf("%s: Specs() = %v, want ErrUnavailable", tt.name, err)
		}
	}
}

// FuzzLookupReply feeds arbitrary look-up answers to the client: whatever
// the back-end says, Lookup returns either an answer to the question
// asked that passes Validate, or an error wrapping one of the sentinels,
// and ErrNotFound only for a 404.
func FuzzLookupReply(f *testing.F) {
	specs := specsJSON(f)
	f.Add(200, answer(func(map[string]any) {}))
	f.Add(200, answer(func(a map[string]any) { a["holder"] = "Ramesh Kumar" }))
	f.Add(404, `{"code":"NO_RECORD","message":"none"}`)
	f.Add(400, `{"code":"INVALID_REF"}`)
	f.Add(503, `{"code":"UNAVAILABLE","message":"down"}`)
	f.Fuzz(func(t *testing.T, code int, body string) {
		if code < 100 || code > 999 {
			return
		}
		r, err := cannedClient(specs, code, body).Lookup(context.Background(), status.Grievance, "2026-JPR-0123456", "")
		if err == nil {
			if code != 200 || r.Kind != status.Grievance || r.Ref != "2026-JPR-0123456" || r.Validate() != nil {
				t.Fatalf("Lookup() accepted %d %q as %+v", code, body, r)
			}
			return
		}
		if !errors.Is(err, status.ErrUnavailable) && !errors.Is(err, status.ErrNotFound) && !errors.Is(err, status.ErrInvalidRef) {
			t.Fatalf("Lookup() on %d %q = %v, wrapping no sentinel", code, body, err)
		}
		if errors.Is(err, status.ErrNotFound) && code != 404 {
			t.Fatalf("Lookup() took %d %q for not found", code, body)
		}
	})
}

// FuzzSpecsReply: whatever specs a back-end sends, the client keeps only
// specs that pass Check, and then validates references with them without
// panicking.
func FuzzSpecsReply(f *testing.F) {
	f.Add(specsJSON(f), "2026-JPR-0123456")
	f.Add(`[{"kind":"grievance","title":"t","title_hi":"t","label":"l","label_hi":"l","pattern":"^a$","keyboard":"alphanumeric","example":"A"}]`, "a")
	f.Fuzz(func(t *testing.T, specsBody, ref string) {
		c := statushttp.New("http://status.invalid", &http.Client{Transport: canned{specsBody, 404, `{"code":"NO_RECORD","message":"none"}`}})
		specs, err := c.Specs(context.Background())
		if err != nil {
			if !errors.Is(err, status.ErrUnavailable) {
				t.Fatalf("Specs() = %v, want ErrUnavailable", err)
			}
			return
		}
		for _, s := range specs {
			if err := s.Check(); err != nil {
				t.Fatalf("Specs() kept a spec that fails Check: %v", err)
			}
		}
		if _, err := c.Lookup(context.Background(), specs[0].Kind, ref, ""); err == nil {
			t.Fatalf("Lookup() succeeded on a NO_RECORD answer")
		}
	})
}

// BenchmarkLookup measures a look-up end to end through HTTP on the
// loopback, client checks included: the floor of a kiosk's status screen.
func BenchmarkLookup(b *testing.B) {
	s := start(b)
	ctx := context.Background()
	if _, err := s.client.Specs(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.client.Lookup(ctx, status.SchemeBeneficiary, "1089234567", "SSP-PENSION"); err != nil {
			b.Fatal(err)
		}
	}
}
