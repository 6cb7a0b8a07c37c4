package docshttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/documents/docsandbox"
	"github.com/mitra-kiosk/mitra/services/documents/docshttp"
)

const dataDir = "../../../testdata/documents"

var ctx = context.Background()

// start runs a sandbox on its state dir behind a real HTTP server and
// returns it with a client for it.
func start(t *testing.T, state string) (*docsandbox.Sandbox, *docshttp.Client) {
	t.Helper()
	s, err := docsandbox.NewFromDir(dataDir, state)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	return s, docshttp.New(srv.URL+"/", srv.Client())
}

func req(d documents.Document, key string) documents.OrderRequest {
	return documents.OrderRequest{IdempotencyKey: key, DocumentID: d.ID, Fee: d.Fee, KioskID: "RJ-JPR-0001"}
}

func mustFind(t *testing.T, c documents.Service, kind documents.Kind, ref string) documents.Document {
	t.Helper()
	d, err := c.Find(ctx, kind, ref)
	if err != nil {
		t.Fatalf("Find(%s, %s) = %v", kind, ref, err)
	}
	return d
}

// TestSameAnswersAsGoAPI orders one document of several shapes over HTTP
// and checks that every answer equals what the sandbox's Go API gives.
func TestSameAnswersAsGoAPI(t *testing.T) {
	s, c := start(t, t.TempDir())
	specs, err := c.Specs(ctx)
	if want, _ := s.Specs(ctx); err != nil || !reflect.DeepEqual(specs, want) {
		t.Errorf("Specs() = %v, %v; want %v", specs, err, want)
	}
	for i, tt := range []struct {
		kind documents.Kind
		ref  string
	}{
		{documents.Domicile, "2026030012345"},
		{documents.Naksha, "081234-213"},
		{documents.JanAadhaarCard, "1027834561"},
		{documents.Jamabandi, "076315-42"},
	} {
		d := mustFind(t, c, tt.kind, tt.ref)
		if want := mustFind(t, s, tt.kind, tt.ref); d != want {
			t.Errorf("Find(%s) = %+v, want %+v", tt.ref, d, want)
		}
		key := "RJ-JPR-0001-20261125-00000" + string(rune('1'+i))
		o, err := c.Order(ctx, req(d, key))
		if err != nil || o.Status != documents.Success {
			t.Fatalf("Order(%s) = %+v, %v", d.ID, o, err)
		}
		if st, err := c.OrderStatus(ctx, key); err != nil || !st.PostedAt.Equal(o.PostedAt) || st.Ref != o.Ref {
			t.Errorf("OrderStatus(%s) = %+v, %v; want %+v", key, st, err, o)
		}
		got, err := c.Content(ctx, key)
		want, _ := s.Content(ctx, key)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Content(%s) = %v; differs from the Go API's", key, err)
		}
		if tt.kind == documents.Naksha && len(got.MapPNG) == 0 {
			t.Errorf("naksha content without map")
		}
	}
	if o, err := c.OrderStatus(ctx, "never-used"); err != nil || o.Status != documents.Unknown {
		t.Errorf("OrderStatus(never-used) = %+v, %v; want UNKNOWN", o, err)
	}
}

func TestRefusals(t *testing.T) {
	_, c := start(t, t.TempDir())
	d := mustFind(t, c, documents.PoliceCharacter, "PCC2026JPE018342")
	other := mustFind(t, c, documents.PoliceCharacter, "PCC2026BKN004407")
	if _, err := c.Order(ctx, req(d, "R1")); err != nil {
		t.Fatal(err)
	}
	short := req(d, "R2")
	short.Fee -= 100
	for _, tt := range []struct {
		name     string
		err      error
		sentinel error
		code     string
	}{
		{"invalid ref", second(c.Find(ctx, documents.PoliceCharacter, "PCC-1")), documents.ErrInvalidRef, "INVALID_REF"},
		{"unknown kind", second(c.Find(ctx, "pan-card", "ABCDE1234F")), documents.ErrInvalidRef, "UNKNOWN_KIND"},
		{"not found", second(c.Find(ctx, documents.PoliceCharacter, "PCC2026JPE999999")), documents.ErrNotFound, "NO_SUCH_DOCUMENT"},
		{"not ready", second(c.Find(ctx, documents.PoliceCharacter, "PCC2026UDR001100")), documents.ErrNotReady, "NOT_READY"},
		{"fee mismatch", second(c.Order(ctx, short)), nil, "FEE_MISMATCH"},
		{"key conflict", second(c.Order(ctx, req(other, "R1"))), nil, "KEY_CONFLICT"},
		{"not paid", second(c.Content(ctx, "R9")), documents.ErrNotPaid, "NOT_PAID"},
	} {
		var ae *docshttp.Error
		if !errors.As(tt.err, &ae) || ae.Code != tt.code {
			t.Errorf("%s: %v, want an *Error with code %s", tt.name, tt.err, tt.code)
			continue
		}
		if tt.sentinel != nil && !errors.Is(tt.err, tt.sentinel) {
			t.Errorf("%s: %v does not wrap %v", tt.name, tt.err, tt.sentinel)
		}
		if tt.sentinel == nil && errors.Is(tt.err, documents.ErrUnavailable) {
			t.Errorf("%s: %v claims the outcome is open; it is a definite refusal", tt.name, tt.err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestLostReplyThenStatus(t *testing.T) {
	s, c := start(t, t.TempDir())
	d := mustFind(t, c, documents.Girdawari, "081234-117")
	s.SetFaults(docsandbox.Faults{Order: docsandbox.OrderLost})
	if _, err := c.Order(ctx, req(d, "LOST1")); !errors.Is(err, documents.ErrUnavailable) {
		t.Fatalf("Order under lost-reply = %v, want ErrUnavailable", err)
	}
	s.SetFaults(docsandbox.Faults{})
	o, err := c.OrderStatus(ctx, "LOST1")
	if err != nil || o.Status != documents.Success {
		t.Fatalf("OrderStatus after the lost reply = %+v, %v", o, err)
	}
	// The kiosk re-sends the same order: the original answers, nothing
	// is charged twice.
	again, err := c.Order(ctx, req(d, "LOST1"))
	if err != nil || again.Ref != o.Ref {
		t.Errorf("repeat Order = %+v, %v; want %+v", again, err, o)
	}
	if n := len(s.Orders()); n != 1 {
		t.Errorf("%d orders recorded, want 1", n)
	}
	if _, err := c.Content(ctx, "LOST1"); err != nil {
		t.Errorf("Content(LOST1) = %v", err)
	}
}

func TestPendingThenSuccess(t *testing.T) {
	s, c := start(t, t.TempDir())
	d := mustFind(t, c, documents.AdmitCard, "2026441207")
	s.SetFaults(docsandbox.Faults{Order: docsandbox.OrderPending, PendingPolls: 2})
	o, err := c.Order(ctx, req(d, "PEND1"))
	if err != nil || o.Status != documents.Pending {
		t.Fatalf("Order = %+v, %v", o, err)
	}
	if _, err := c.Content(ctx, "PEND1"); !errors.Is(err, documents.ErrNotPaid) {
		t.Errorf("Content while pending = %v, want ErrNotPaid", err)
	}
	var last documents.Status
	for range 2 {
		o, err := c.OrderStatus(ctx, "PEND1")
		if err != nil {
			t.Fatal(err)
		}
		last = o.Status
	}
	if last != documents.Success {
		t.Errorf("after 2 polls status = %s, want SUCCESS", last)
	}
}

func TestDown(t *testing.T) {
	s, c := start(t, t.TempDir())
	d := mustFind(t, c, documents.Marriage, "MR2026JPR000731")
	s.SetFaults(docsandbox.Faults{Find: docsandbox.FindDown, Order: docsandbox.OrderDown})
	for name, err := range map[string]error{
		"Specs":       second(c.Specs(ctx)),
		"Find":        second(c.Find(ctx, documents.Marriage, "MR2026JPR000731")),
		"Order":       second(c.Order(ctx, req(d, "DOWN1"))),
		"OrderStatus": second(c.OrderStatus(ctx, "DOWN1")),
		"Content":     second(c.Content(ctx, "DOWN1")),
	} {
		var ae *docshttp.Error
		if !errors.Is(err, documents.ErrUnavailable) || !errors.As(err, &ae) || ae.StatusCode != 503 {
			t.Errorf("%s while down = %v, want 503 wrapping ErrUnavailable", name, err)
		}
	}
}

// TestTimeout: a back-end that never answers costs the caller only its
// context's deadline, and the error leaves the outcome open.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handler
	c := docshttp.New(srv.URL, srv.Client())
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := c.Order(cctx, documents.OrderRequest{IdempotencyKey: "T1", DocumentID: "D", Fee: 1000, KioskID: "K"})
	if !errors.Is(err, documents.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Order against a silent back-end = %v, want ErrUnavailable and DeadlineExceeded", err)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (rt roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return rt(r) }

// canned returns a client whose every request gets status and body.
func canned(status int, body string) *docshttp.Client {
	return docshttp.New("http://back-end.invalid", &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}, Request: r}, nil
	})})
}

const goodOrder = `{"idempotency_key":"K1","document_id":"D1","status":"SUCCESS","fee":2000,"ref":"EMD1","posted_at":"2026-11-25T06:30:00Z"}`

const goodContent = `{"document_id":"D1","title":"Caste Certificate","title_hi":"जाति प्रमाण पत्र","issuer":"SDM","fields":[{"label":"Name","label_hi":"नाम","value":"Kamla Bhil"}],"verify_qr":"RJDV1|D1"}`

func TestReplyChecks(t *testing.T) {
	orderReq := documents.OrderRequest{IdempotencyKey: "K1", DocumentID: "D1", Fee: 2000, KioskID: "K"}
	for _, tt := range []struct {
		name   string
		status int
		body   string
		call   func(*docshttp.Client) error
		want   error // nil: must succeed
	}{
		{"good order", 200, goodOrder, func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, nil},
		{"order for another key", 200, strings.Replace(goodOrder, "K1", "K2", 1), func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"order of another document", 200, strings.Replace(goodOrder, "D1", "D2", 1), func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"order with another fee", 200, strings.Replace(goodOrder, "2000", "200", 1), func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"success without ref", 200, strings.Replace(goodOrder, `"ref":"EMD1",`, "", 1), func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"status UNKNOWN in a 200", 200, strings.Replace(goodOrder, "SUCCESS", "UNKNOWN", 1), func(c *docshttp.Client) error { return second(c.OrderStatus(ctx, "K1")) }, documents.ErrUnavailable},
		{"garbage", 200, "<html>gateway</html>", func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"202", 202, goodOrder, func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"502 html", 502, "<html>Bad Gateway</html>", func(c *docshttp.Client) error { return second(c.Order(ctx, orderReq)) }, documents.ErrUnavailable},
		{"429", 429, `{"code":"RATE","message":"slow down"}`, func(c *docshttp.Client) error { return second(c.Specs(ctx)) }, documents.ErrUnavailable},
		{"good content", 200, goodContent, func(c *docshttp.Client) error { return second(c.Content(ctx, "K1")) }, nil},
		{"content without QR", 200, strings.Replace(goodContent, `"RJDV1|D1"`, `""`, 1), func(c *docshttp.Client) error { return second(c.Content(ctx, "K1")) }, documents.ErrUnavailable},
		{"content with full Aadhaar", 200, strings.Replace(goodContent, "Kamla Bhil", "Aadhaar 2345 6789 0123", 1), func(c *docshttp.Client) error { return second(c.Content(ctx, "K1")) }, documents.ErrUnavailable},
		{"content with bad map", 200, strings.Replace(goodContent, `"verify_qr"`, `"map_png":"aGVsbG8=","verify_qr"`, 1), func(c *docshttp.Client) error { return second(c.Content(ctx, "K1")) }, documents.ErrUnavailable},
		{"content with ragged table", 200, strings.Replace(goodContent, `"verify_qr"`, `"tables":[{"header":["a","b"],"header_hi":["क","ख"],"rows":[["1"]]}],"verify_qr"`, 1), func(c *docshttp.Client) error { return second(c.Content(ctx, "K1")) }, documents.ErrUnavailable},
		{"document for another ref", 200, `{"id":"X","kind":"caste","ref":"2026060045678","title":"T","fee":2000,"pages":1}`, func(c *docshttp.Client) error { return second(c.Find(ctx, documents.Caste, "2026040023456")) }, documents.ErrUnavailable},
		{"document without fee", 200, `{"id":"X","kind":"caste","ref":"2026040023456","title":"T","fee":0,"pages":1}`, func(c *docshttp.Client) error { return second(c.Find(ctx, documents.Caste, "2026040023456")) }, documents.ErrUnavailable},
		{"oversized reply", 200, `"` + strings.Repeat("x", 9<<20) + `"`, func(c *docshttp.Client) error { return second(c.Specs(ctx)) }, documents.ErrUnavailable},
	} {
		err := tt.call(canned(tt.status, tt.body))
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// FuzzReply feeds arbitrary answers to every call: the client must not
// panic, and whatever it accepts must be an answer the engine can act on.
func FuzzReply(f *testing.F) {
	f.Add(200, goodOrder)
	f.Add(200, goodContent)
	f.Add(404, `{"idempotency_key":"K1","status":"UNKNOWN"}`)
	f.Add(409, `{"code":"NOT_READY","message":"x"}`)
	f.Add(200, `{"id":"X","kind":"caste","ref":"2026040023456","title":"T","fee":2000,"pages":1}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 100 || status > 999 {
			return
		}
		c := canned(status, body)
		if o, err := c.Order(ctx, documents.OrderRequest{IdempotencyKey: "K1", DocumentID: "D1", Fee: 2000, KioskID: "K"}); err == nil {
			if o.IdempotencyKey != "K1" || o.DocumentID != "D1" || o.Status == documents.Success && o.Ref == "" {
				t.Errorf("accepted order %+v", o)
			}
		}
		if o, err := c.OrderStatus(ctx, "K1"); err == nil && o.IdempotencyKey != "K1" {
			t.Errorf("accepted status %+v", o)
		}
		if ct, err := c.Content(ctx, "K1"); err == nil {
			if ct.VerifyQR == "" || len(ct.Fields) == 0 {
				t.Errorf("accepted incomplete content %+v", ct)
			}
			for _, fl := range ct.Fields {
				if documents.ContainsFullAadhaar(fl.Value) {
					t.Errorf("accepted content with an unmasked Aadhaar number")
				}
			}
		}
		if d, err := c.Find(ctx, documents.Caste, "2026040023456"); err == nil && (d.Ref != "2026040023456" || d.Fee <= 0) {
			t.Errorf("accepted document %+v", d)
		}
		if err := second(c.Specs(ctx)); err != nil && status == 200 && errors.Is(err, documents.ErrNotFound) {
			t.Errorf("a 200 answer mapped to ErrNotFound: %v", err)
		}
	})
}
