package billpayhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

const dataDir = "../../../testdata/sandbox"

// start runs a sandbox gateway on its state dir behind a real HTTP server
// and returns a client for it.
func start(t *testing.T, state string) (*sandbox.Gateway, *billpayhttp.Client) {
	t.Helper()
	g, err := sandbox.NewFromDir(dataDir, state)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(func() { srv.Close(); g.Close() })
	return g, billpayhttp.New(srv.URL+"/", srv.Client())
}

func payReq(b billpay.Bill, key string) billpay.PayRequest {
	return billpay.PayRequest{IdempotencyKey: key, BillerID: b.BillerID, CustomerRef: b.CustomerRef,
		BillNumber: b.BillNumber, FetchRef: b.FetchRef, Amount: b.Amount, Mode: "Cash", Channel: "KIOSK", KioskID: "RJ-JPR-0001"}
}

func mustFetch(t *testing.T, c *billpayhttp.Client, biller, ref string) billpay.Bill {
	t.Helper()
	b, err := c.FetchBill(context.Background(), biller, ref)
	if err != nil {
		t.Fatalf("FetchBill(%s, %s) = %v", biller, ref, err)
	}
	return b
}

func TestBillers(t *testing.T) {
	_, c := start(t, t.TempDir())
	for _, tt := range []struct {
		cat  billpay.Category
		want []string
	}{
		{billpay.Electricity, []string{"JVVNL", "AVVNL", "JDVVNL"}},
		{billpay.Water, []string{"PHED"}},
		{billpay.Telephone, []string{"BSNL-LL"}},
		{billpay.Mobile, []string{"JIO", "AIRTEL", "VI", "BSNL-PRE"}},
		{"gas", nil},
	} {
		bs, err := c.Billers(context.Background(), tt.cat)
		var ids []string
		for _, b := range bs {
			ids = append(ids, b.ID)
			if b.Category != tt.cat || b.RefPattern == "" {
				t.Errorf("Billers(%s) returned %+v", tt.cat, b)
			}
		}
		if err != nil || strings.Join(ids, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Billers(%s) = %v, %v; want %v", tt.cat, ids, err, tt.want)
		}
	}
	all, err := c.Billers(context.Background(), "")
	if err != nil || len(all) != 9 {
		t.Errorf("Billers(\"\") = %d billers, %v; want 9", len(all), err)
	}
}

func TestFetchBill(t *testing.T) {
	_, c := start(t, t.TempDir())
	for _, tt := range []struct {
		biller, ref string
		wantErr     error
		wantAmount  money.Paise
		wantName    string
	}{
		{"JVVNL", "210123456789", nil, 123500, "R***** K**** S*****"},
		{"JVVNL", "210678901234", nil, 123400, "R******* S**** S********"},
		{"JDVVNL", "310900800700", nil, 57525, "A**** R***** K***"},
		{"AVVNL", "110121212121", nil, 2375000, "S***** K**** T**"},
		{"PHED", "1402003001", nil, 36000, "R***** K**** S*****"},
		{"AIRTEL", "9829012345", nil, 34900, "M**** L** S****"},
		{"JVVNL", "21012345678", billpay.ErrInvalidRef, 0, ""},
		{"JVVNL", "21012345678x", billpay.ErrInvalidRef, 0, ""},
		{"JIO", "5014123456", billpay.ErrInvalidRef, 0, ""},
		{"JVVNL", "210333000999", billpay.ErrNoBill, 0, ""},
		{"JVVNL", "999999999999", billpay.ErrNoBill, 0, ""},
		{"XYZ", "210123456789", billpay.ErrUnknownBiller, 0, ""},
		{"", "", billpay.ErrUnknownBiller, 0, ""},
	} {
		b, err := c.FetchBill(context.Background(), tt.biller, tt.ref)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
			t.Errorf("FetchBill(%s, %s) error = %v, want %v", tt.biller, tt.ref, err, tt.wantErr)
			continue
		}
		if b.Amount != tt.wantAmount || b.CustomerName != tt.wantName || (tt.wantErr == nil && (b.FetchRef == "" || b.BillNumber == "" || b.DueDate == "")) {
			t.Errorf("FetchBill(%s, %s) = %+v, want %v for %q", tt.biller, tt.ref, b, tt.wantAmount, tt.wantName)
		}
	}
}

// TestPayRefusals checks that each refusal reaches the caller as the
// sentinel (or code) it branches on, and that none is ErrUnavailable: a
// refusal is definite, the money is owed back.
func TestPayRefusals(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b := mustFetch(t, c, "AVVNL", "110454545454")
	for _, tt := range []struct {
		name     string
		change   func(*billpay.PayRequest)
		want     error
		wantCode string
	}{
		{"amount", func(r *billpay.PayRequest) { r.Amount = 129900 }, billpay.ErrAmount, "AMOUNT_MISMATCH"},
		{"fetch ref", func(r *billpay.PayRequest) { r.FetchRef = "BF00" }, nil, "FETCH_REF_MISMATCH"},
		{"bill number", func(r *billpay.PayRequest) { r.BillNumber = "AV2610-0000001" }, billpay.ErrNoBill, "NO_BILL_DUE"},
		{"biller", func(r *billpay.PayRequest) { r.BillerID = "AVVN" }, billpay.ErrUnknownBiller, "UNKNOWN_BILLER"},
		{"ref", func(r *billpay.PayRequest) { r.CustomerRef = "11045454545" }, billpay.ErrInvalidRef, "INVALID_REF"},
		{"key", func(r *billpay.PayRequest) { r.IdempotencyKey = "" }, nil, "BAD_REQUEST"},
		{"mode", func(r *billpay.PayRequest) { r.Mode = "" }, nil, "BAD_REQUEST"},
	} {
		req := payReq(b, "T-"+strings.ReplaceAll(tt.name, " ", "-"))
		tt.change(&req)
		_, err := c.Pay(ctx, req)
		var ae *billpayhttp.Error
		if err == nil || !errors.As(err, &ae) || ae.Code != tt.wantCode || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("Pay(%s) = %v, want code %s wrapping %v", tt.name, err, tt.wantCode, tt.want)
		}
		if errors.Is(err, billpay.ErrUnavailable) {
			t.Errorf("Pay(%s) = %v: a definite refusal must not wrap ErrUnavailable", tt.name, err)
		}
	}
	if n := len(g.Payments()); n != 0 {
		t.Errorf("refusals recorded %d payments, want 0", n)
	}
}

func TestPayIdempotentAcrossRestart(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	g, c := start(t, state)
	b := mustFetch(t, c, "JVVNL", "210123456789")
	p1, err := c.Pay(ctx, payReq(b, "T-1"))
	if err != nil || p1.Status != billpay.Success || p1.TxnRef == "" || p1.Amount != b.Amount {
		t.Fatalf("Pay() = %+v, %v", p1, err)
	}
	p2, err := c.Pay(ctx, payReq(b, "T-1"))
	if err != nil || p2 != p1 {
		t.Fatalf("repeated Pay() = %+v, %v; want the original %+v", p2, err, p1)
	}
	if _, err := c.FetchBill(ctx, "JVVNL", "210123456789"); !errors.Is(err, billpay.ErrNoBill) {
		t.Errorf("FetchBill after payment = %v, want ErrNoBill", err)
	}
	if _, err := c.Pay(ctx, payReq(b, "T-2")); !errors.Is(err, billpay.ErrNoBill) {
		t.Errorf("Pay with a new key for a paid bill = %v, want ErrNoBill", err)
	}
	bad := payReq(b, "T-1")
	bad.Amount++
	var ae *billpayhttp.Error
	if _, err := c.Pay(ctx, bad); !errors.As(err, &ae) || ae.Code != "KEY_CONFLICT" || ae.StatusCode != http.StatusConflict {
		t.Errorf("Pay with a reused key and another amount = %v, want 409 KEY_CONFLICT", err)
	}
	g.Close()

	g2, c2 := start(t, state)
	p3, err := c2.Pay(ctx, payReq(b, "T-1"))
	if err != nil || !p3.PostedAt.Equal(p1.PostedAt) || p3.TxnRef != p1.TxnRef {
		t.Fatalf("Pay after restart = %+v, %v; want the original %+v", p3, err, p1)
	}
	st, err := c2.PaymentStatus(ctx, "T-1")
	if err != nil || st.TxnRef != p1.TxnRef || st.Status != billpay.Success {
		t.Errorf("PaymentStatus after restart = %+v, %v", st, err)
	}
	if _, err := c2.FetchBill(ctx, "JVVNL", "210123456789"); !errors.Is(err, billpay.ErrNoBill) {
		t.Errorf("FetchBill after restart = %v, want ErrNoBill (paid)", err)
	}
	if n := len(g2.Payments()); n != 1 {
		t.Errorf("payments after restart = %d, want 1", n)
	}
}

// TestLostReply: the gateway commits the payment and drops the connection.
// The kiosk sees ErrUnavailable, finds the payment by key, and a re-sent Pay
// gets the same payment without a second one being recorded.
func TestLostReply(t *testing.T) {
	state := t.TempDir()
	g, err := sandbox.NewFromDir(dataDir, state)
	if err != nil {
		t.Fatal(err)
	}
	// Count the payment requests that reach the gateway: the client (and
	// net/http under it) must not re-send a Pay whose reply was lost.
	var mu sync.Mutex
	posts := 0
	h := g.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.Method == http.MethodPost && r.URL.Path == "/v1/payments" {
			posts++
		}
		serve := h
		mu.Unlock()
		serve.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := billpayhttp.New(srv.URL, srv.Client())
	ctx := context.Background()
	b := mustFetch(t, c, "AVVNL", "110200300400")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayLost})
	if _, err := c.Pay(ctx, payReq(b, "T-9")); !errors.Is(err, billpay.ErrUnavailable) {
		t.Fatalf("Pay with lost reply = %v, want ErrUnavailable", err)
	}
	mu.Lock()
	if posts != 1 {
		t.Errorf("Pay with lost reply reached the gateway %d times, want once", posts)
	}
	mu.Unlock()
	// The kiosk may have lost power too: the gateway restarts from its
	// ledger and still knows the payment.
	g.Close()
	if g, err = sandbox.NewFromDir(dataDir, state); err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	mu.Lock()
	h = g.Handler()
	mu.Unlock()
	st, err := c.PaymentStatus(ctx, "T-9")
	if err != nil || st.Status != billpay.Success || st.TxnRef == "" {
		t.Fatalf("PaymentStatus after lost reply = %+v, %v; want SUCCESS", st, err)
	}
	g.SetFaults(sandbox.Faults{})
	again, err := c.Pay(ctx, payReq(b, "T-9"))
	if err != nil || again.TxnRef != st.TxnRef {
		t.Fatalf("re-sent Pay = %+v, %v; want %s", again, err, st.TxnRef)
	}
	if n := len(g.Payments()); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

func TestPendingThenSuccess(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b := mustFetch(t, c, "JDVVNL", "310100200300")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayPending, PendingPolls: 3})
	p, err := c.Pay(ctx, payReq(b, "T-P"))
	if err != nil || p.Status != billpay.Pending || p.TxnRef != "" {
		t.Fatalf("Pay(pending) = %+v, %v", p, err)
	}
	if again, err := c.Pay(ctx, payReq(b, "T-P")); err != nil || again.Status != billpay.Pending {
		t.Errorf("repeated Pay while pending = %+v, %v; want PENDING", again, err)
	}
	var seen []string
	for range 4 {
		st, err := c.PaymentStatus(ctx, "T-P")
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, string(st.Status))
	}
	if got, want := strings.Join(seen, " "), "PENDING PENDING SUCCESS SUCCESS"; got != want {
		t.Errorf("status polls = %s, want %s", got, want)
	}
	if n := len(g.Payments()); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

func TestFailThenPayAgain(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b := mustFetch(t, c, "JDVVNL", "310100200301")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayFail})
	p, err := c.Pay(ctx, payReq(b, "T-F"))
	if err != nil || p.Status != billpay.Failure || p.Reason == "" || p.TxnRef != "" {
		t.Fatalf("Pay(fail) = %+v, %v; want FAILURE with a reason", p, err)
	}
	g.SetFaults(sandbox.Faults{})
	if again, err := c.Pay(ctx, payReq(b, "T-F")); err != nil || again.Status != billpay.Failure {
		t.Errorf("repeat of a failed payment = %+v, %v; want the original FAILURE", again, err)
	}
	b2 := mustFetch(t, c, "JDVVNL", "310100200301") // due again after a failure
	if p, err := c.Pay(ctx, payReq(b2, "T-F2")); err != nil || p.Status != billpay.Success {
		t.Errorf("Pay with a new key after a failure = %+v, %v; want SUCCESS", p, err)
	}
	if n := len(g.Payments()); n != 2 {
		t.Errorf("payments = %d, want 2 (one failed, one paid)", n)
	}
}

func TestDown(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b := mustFetch(t, c, "JDVVNL", "310100200301")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayDown, Fetch: sandbox.FetchDown})
	if _, err := c.Pay(ctx, payReq(b, "T-D")); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("Pay(down) = %v, want ErrUnavailable", err)
	}
	if _, err := c.PaymentStatus(ctx, "T-D"); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("PaymentStatus(down) = %v, want ErrUnavailable", err)
	}
	if _, err := c.FetchBill(ctx, "JDVVNL", "310100200301"); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("FetchBill(down) = %v, want ErrUnavailable", err)
	}
	g.SetFaults(sandbox.Faults{})
	if st, err := c.PaymentStatus(ctx, "T-D"); err != nil || st.Status != billpay.Unknown {
		t.Errorf("PaymentStatus after down = %+v, %v; want UNKNOWN (nothing was done)", st, err)
	}
}

func TestTransportFailures(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	if _, err := billpayhttp.New(url, nil).FetchBill(ctx, "JVVNL", "210123456789"); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("FetchBill(no server) = %v, want ErrUnavailable", err)
	}

	// A gateway that never answers: the caller's deadline ends the call.
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hung.Close()
	defer close(release)
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := billpayhttp.New(hung.URL, hung.Client()).Pay(tctx, billpay.PayRequest{IdempotencyKey: "T-H"})
	if !errors.Is(err, billpay.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Pay(hung gateway) = %v, want ErrUnavailable and DeadlineExceeded", err)
	}
}

// roundTrip answers every request with one canned response.
type roundTrip struct {
	status int
	body   string
}

func (rt roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: rt.status, Body: io.NopCloser(strings.NewReader(rt.body)), Header: http.Header{}, Request: r}, nil
}

func canned(status int, body string) *billpayhttp.Client {
	return billpayhttp.New("http://gateway.invalid", &http.Client{Transport: roundTrip{status, body}})
}

// TestReplyMapping checks how answers the sandbox never gives (proxies,
// other gateways, garbled replies) are classified.
func TestReplyMapping(t *testing.T) {
	const okPay = `{"idempotency_key":"T-1","status":"SUCCESS","txn_ref":"BBPS1","amount":100}`
	for _, tt := range []struct {
		name         string
		status       int
		body         string
		wantErr      error
		wantDefinite bool // an *Error that does not wrap ErrUnavailable
	}{
		{"success", 200, okPay, nil, false},
		{"bad gateway page", 502, "<html>Bad Gateway</html>", billpay.ErrUnavailable, false},
		{"too many requests", 429, "", billpay.ErrUnavailable, false},
		{"request timeout", 408, "", billpay.ErrUnavailable, false},
		{"internal", 500, `{"code":"INTERNAL","message":"disk"}`, billpay.ErrUnavailable, false},
		{"garbled 200", 200, `{"idempotency_key":"T-1","stat`, billpay.ErrUnavailable, false},
		{"someone else's payment", 200, `{"idempotency_key":"T-2","status":"SUCCESS","txn_ref":"BBPS1"}`, billpay.ErrUnavailable, false},
		{"success without txn ref", 200, `{"idempotency_key":"T-1","status":"SUCCESS"}`, billpay.ErrUnavailable, false},
		{"unknown in a 200", 200, `{"idempotency_key":"T-1","status":"UNKNOWN"}`, billpay.ErrUnavailable, false},
		{"amount mismatch", 409, `{"code":"AMOUNT_MISMATCH","message":"no"}`, billpay.ErrAmount, true},
		{"key conflict", 409, `{"code":"KEY_CONFLICT","message":"no"}`, nil, true},
		{"plain 404", 404, "404 page not found", nil, true},
		{"5xx with a refusal code", 502, `{"code":"NO_BILL_DUE"}`, billpay.ErrUnavailable, false},
		{"accepted, not 200", 202, okPay, billpay.ErrUnavailable, false},
		{"4xx saying unavailable", 400, `{"code":"UNAVAILABLE"}`, billpay.ErrUnavailable, false},
	} {
		_, err := canned(tt.status, tt.body).Pay(context.Background(), billpay.PayRequest{IdempotencyKey: "T-1"})
		var ae *billpayhttp.Error
		switch {
		case tt.wantErr == nil && !tt.wantDefinite && err != nil:
			t.Errorf("%s: Pay() = %v, want success", tt.name, err)
		case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
			t.Errorf("%s: Pay() = %v, want %v", tt.name, err, tt.wantErr)
		case tt.wantDefinite && (!errors.As(err, &ae) || errors.Is(err, billpay.ErrUnavailable)):
			t.Errorf("%s: Pay() = %v, want a definite *Error", tt.name, err)
		}
	}
	// A 404 without a payment body is not "no such payment".
	if _, err := canned(404, "404 page not found").PaymentStatus(context.Background(), "T-1"); err == nil {
		t.Errorf("PaymentStatus(plain 404) = nil error, want an error")
	}
}

func FuzzReply(f *testing.F) {
	f.Add(200, []byte(`{"idempotency_key":"T-1","status":"PENDING"}`))
	f.Add(404, []byte(`{"idempotency_key":"T-1","status":"UNKNOWN"}`))
	f.Add(503, []byte(`{"code":"UNAVAILABLE","message":"down"}`))
	f.Add(409, []byte(`{"code":"NO_BILL_DUE"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c := canned(status, string(body))
		p, err := c.Pay(context.Background(), billpay.PayRequest{IdempotencyKey: "T-1"})
		if err == nil && (status != 200 || p.IdempotencyKey != "T-1" || (p.Status != billpay.Success && p.Status != billpay.Failure && p.Status != billpay.Pending)) {
			t.Fatalf("Pay() accepted %d %q as %+v", status, body, p)
		}
		if err != nil && (status >= 500 || status < 400) && !errors.Is(err, billpay.ErrUnavailable) {
			t.Fatalf("Pay() on %d = %v, want ErrUnavailable", status, err)
		}
		st, err := c.PaymentStatus(context.Background(), "T-1")
		if err == nil && st.IdempotencyKey != "T-1" {
			t.Fatalf("PaymentStatus() accepted %d %q as %+v", status, body, st)
		}
		if err == nil && st.Status == billpay.Unknown && status != 404 {
			t.Fatalf("PaymentStatus() took %d %q for UNKNOWN", status, body)
		}
	})
}

// TestConcurrentPaySameKey: kiosks retrying over several connections at
// once must still post one payment (run with -race).
func TestConcurrentPaySameKey(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b := mustFetch(t, c, "JVVNL", "210987654321")
	var wg sync.WaitGroup
	refs := make([]string, 8)
	errs := make([]error, 8)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.Pay(ctx, payReq(b, "T-C"))
			refs[i], errs[i] = p.TxnRef, err
		}()
	}
	wg.Wait()
	for i := range refs {
		if errs[i] != nil || refs[i] == "" || refs[i] != refs[0] {
			t.Errorf("concurrent Pay #%d = %q, %v; want %q", i, refs[i], errs[i], refs[0])
		}
	}
	if n := len(g.Payments()); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

// TestConcurrentPayDifferentKeys: two kiosks paying the same bill at once
// (different keys): exactly one wins, the other is told the bill is paid.
func TestConcurrentPayDifferentKeys(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b := mustFetch(t, c, "JVVNL", "210111222333")
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Pay(ctx, payReq(b, "T-K"+string(rune('a'+i))))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, billpay.ErrNoBill):
			t.Errorf("losing Pay = %v, want ErrNoBill", err)
		}
	}
	if n := len(g.Payments()); ok != 1 || n != 1 {
		t.Errorf("%d successes, %d payments recorded; want 1 and 1", ok, n)
	}
}

func TestTornLedgerTail(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	g, c := start(t, state)
	b := mustFetch(t, c, "JVVNL", "210123456790")
	p, err := c.Pay(ctx, payReq(b, "T-T"))
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	f, err := os.OpenFile(filepath.Join(state, sandbox.LedgerFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"idempotency_key":"T-X","status":"SUC`)
	f.Close()

	g2, c2 := start(t, state)
	if g2.LoadReport == "" {
		t.Errorf("LoadReport() is empty after a torn tail")
	}
	if ps := g2.Payments(); len(ps) != 1 || ps[0].IdempotencyKey != "T-T" {
		t.Errorf("payments after torn tail = %+v, want only T-T", ps)
	}
	if st, err := c2.PaymentStatus(ctx, "T-X"); err != nil || st.Status != billpay.Unknown {
		t.Errorf("PaymentStatus(torn key) = %+v, %v; want UNKNOWN", st, err)
	}
	if st, err := c2.PaymentStatus(ctx, "T-T"); err != nil || st.TxnRef != p.TxnRef {
		t.Errorf("PaymentStatus(T-T) = %+v, %v; want %s", st, err, p.TxnRef)
	}
	// The repaired ledger takes new payments and reads back whole.
	if _, err := c2.Pay(ctx, payReq(mustFetch(t, c2, "JVVNL", "210876543210"), "T-U")); err != nil {
		t.Fatal(err)
	}
	g2.Close()
	g3, _ := start(t, state)
	if n, r := len(g3.Payments()), g3.LoadReport; n != 2 || r != "" {
		t.Errorf("after repair and restart: %d payments, report %q; want 2, none", n, r)
	}
}
