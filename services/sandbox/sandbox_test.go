package sandbox

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/services/billpay"
)

func TestMaskName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ramesh Kumar Sharma", "R***** K**** S*****"},
		{"सुनीता देवी", "स***** द***"},
		{"A", "A"},
	} {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHTTPBadRequests(t *testing.T) {
	g, err := NewFromDir("../../testdata/sandbox", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	h := g.Handler()
	for _, tt := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL"`, 400},
		{"POST", "/v1/bills/fetch", `{"biller": "JVVNL"}`, 400},
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL", "customer_ref": "12"} {}`, 400},
		{"POST", "/v1/payments", `{}`, 400},
		{"POST", "/sandbox/faults", `{"pay": "explode"}`, 400},
		{"GET", "/v1/payments/none", ``, 404},
		{"GET", "/v1/nothing", ``, 404},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
		if rec.Code != tt.want {
			t.Errorf("%s %s %s = %d, want %d (%s)", tt.method, tt.path, tt.body, rec.Code, tt.want, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); tt.path != "/v1/nothing" && ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", tt.method, tt.path, ct)
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"idempotency_key":"T-1","biller_id":"JVVNL","customer_ref":"210123456789","amount":123400}`))
	f.Add([]byte(`{"amount": -1}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var req billpay.PayRequest
		if err := DecodeRequest(bytes.NewReader(b), &req); err != nil {
			return
		}
		// Whatever decodes must be handled without a panic and with a
		// definite answer.
		g, err := NewFromDir("../../testdata/sandbox", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		rec := httptest.NewRecorder()
		g.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/v1/payments", bytes.NewReader(b)))
		if rec.Code == http.StatusOK && req.IdempotencyKey == "" {
			t.Errorf("payment without key accepted: %s", b)
		}
	})
}
