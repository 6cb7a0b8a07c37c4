package billpayhttp_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

const dataDir = "../../../testdata/sandbox"

func start(t *testing.T, state string) (*sandbox.Gateway, *billpayhttp.Client) {
	t.Helper()
	g, err := sandbox.NewFromDir(dataDir, state)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(func() { srv.Close(); g.Close() })
	return g, billpayhttp.New(srv.URL, srv.Client())
}

func payReq(b billpay.Bill, key string) billpay.PayRequest {
	return billpay.PayRequest{IdempotencyKey: key, BillerID: b.BillerID, CustomerRef: b.CustomerRef,
		BillNumber: b.BillNumber, FetchRef: b.FetchRef, Amount: b.Amount, Mode: "Cash", Channel: "KIOSK", KioskID: "RJ-JPR-0001"}
}

func TestFetch(t *testing.T) {
	_, c := start(t, t.TempDir())
	ctx := context.Background()
	bs, err := c.Billers(ctx, billpay.Electricity)
	if err != nil || len(bs) != 3 {
		t.Fatalf("Billers(electricity) = %d billers, %v; want 3", len(bs), err)
	}
	for _, tt := range []struct {
		biller, ref string
		wantErr     error
		wantAmount  money.Paise
		wantName    string
	}{
		{"JVVNL", "210123456789", nil, 123500, "R***** K**** S*****"},
		{"JDVVNL", "310900800700", nil, 57525, "A**** R***** K***"},
		{"JVVNL", "21012345678", billpay.ErrInvalidRef, 0, ""},
		{"JVVNL", "21012345678x", billpay.ErrInvalidRef, 0, ""},
		{"JVVNL", "210333000999", billpay.ErrNoBill, 0, ""},
		{"JVVNL", "999999999999", billpay.ErrNoBill, 0, ""},
		{"XYZ", "210123456789", billpay.ErrUnknownBiller, 0, ""},
	} {
		b, err := c.FetchBill(ctx, tt.biller, tt.ref)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
			t.Errorf("FetchBill(%s, %s) error = %v, want %v", tt.biller, tt.ref, err, tt.wantErr)
			continue
		}
		if b.Amount != tt.wantAmount || b.CustomerName != tt.wantName {
			t.Errorf("FetchBill(%s, %s) = %v %q, want %v %q", tt.biller, tt.ref, b.Amount, b.CustomerName, tt.wantAmount, tt.wantName)
		}
	}
}

func TestPayIdempotentAcrossRestart(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	g, c := start(t, state)
	b, err := c.FetchBill(ctx, "JVVNL", "210123456789")
	if err != nil {
		t.Fatal(err)
	}
	p1, err := c.Pay(ctx, payReq(b, "T-1"))
	if err != nil || p1.Status != billpay.Success || p1.TxnRef == "" {
		t.Fatalf("Pay() = %+v, %v", p1, err)
	}
	p2, err := c.Pay(ctx, payReq(b, "T-1"))
	if err != nil || p2.TxnRef != p1.TxnRef {
		t.Fatalf("repeated Pay() = %+v, %v; want the original %s", p2, err, p1.TxnRef)
	}
	if _, err := c.FetchBill(ctx, "JVVNL", "210123456789"); !errors.Is(err, billpay.ErrNoBill) {
		t.Errorf("FetchBill after payment = %v, want ErrNoBill", err)
	}
	if _, err := c.Pay(ctx, payReq(b, "T-2")); !errors.Is(err, billpay.ErrNoBill) {
		t.Errorf("Pay with a new key for a paid bill = %v, want ErrNoBill", err)
	}
	bad := payReq(b, "T-1")
	bad.Amount++
	if _, err := c.Pay(ctx, bad); err == nil {
		t.Errorf("Pay with a reused key and another amount succeeded")
	}
	g.Close()

	g2, c2 := start(t, state)
	p3, err := c2.Pay(ctx, payReq(b, "T-1"))
	if err != nil || p3.TxnRef != p1.TxnRef {
		t.Fatalf("Pay after restart = %+v, %v; want the original", p3, err)
	}
	if n := len(g2.Payments()); n != 1 {
		t.Errorf("payments after restart = %d, want 1", n)
	}
}

func TestLostReply(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b, _ := c.FetchBill(ctx, "AVVNL", "110200300400")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayLost})
	if _, err := c.Pay(ctx, payReq(b, "T-9")); !errors.Is(err, billpay.ErrUnavailable) {
		t.Fatalf("Pay with lost reply = %v, want ErrUnavailable", err)
	}
	g.SetFaults(sandbox.Faults{})
	st, err := c.PaymentStatus(ctx, "T-9")
	if err != nil || st.Status != billpay.Success {
		t.Fatalf("PaymentStatus after lost reply = %+v, %v; want SUCCESS", st, err)
	}
	again, err := c.Pay(ctx, payReq(b, "T-9"))
	if err != nil || again.TxnRef != st.TxnRef {
		t.Fatalf("re-sent Pay = %+v, %v", again, err)
	}
	if n := len(g.Payments()); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

func TestStatusUnknownPendingFailDown(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	st, err := c.PaymentStatus(ctx, "never")
	if err != nil || st.Status != billpay.Unknown {
		t.Fatalf("PaymentStatus(never) = %+v, %v; want UNKNOWN", st, err)
	}

	b, _ := c.FetchBill(ctx, "JDVVNL", "310100200300")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayPending, PendingPolls: 2})
	p, err := c.Pay(ctx, payReq(b, "T-P"))
	if err != nil || p.Status != billpay.Pending {
		t.Fatalf("Pay(pending) = %+v, %v", p, err)
	}
	var seen []billpay.Status
	for range 2 {
		st, err := c.PaymentStatus(ctx, "T-P")
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, st.Status)
	}
	if seen[0] != billpay.Pending || seen[1] != billpay.Success {
		t.Errorf("status polls = %v, want [PENDING SUCCESS]", seen)
	}

	b2, _ := c.FetchBill(ctx, "JDVVNL", "310100200301")
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayFail})
	if p, err := c.Pay(ctx, payReq(b2, "T-F")); err != nil || p.Status != billpay.Failure || p.Reason == "" {
		t.Errorf("Pay(fail) = %+v, %v; want FAILURE with a reason", p, err)
	}
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayDown, Fetch: "down"})
	if _, err := c.Pay(ctx, payReq(b2, "T-D")); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("Pay(down) = %v, want ErrUnavailable", err)
	}
	if _, err := c.FetchBill(ctx, "JDVVNL", "310100200301"); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("FetchBill(down) = %v, want ErrUnavailable", err)
	}
	if _, err := billpayhttp.New("http://127.0.0.1:1", nil).FetchBill(ctx, "JVVNL", "210123456789"); !errors.Is(err, billpay.ErrUnavailable) {
		t.Errorf("FetchBill(no server) = %v, want ErrUnavailable", err)
	}
}

func TestConcurrentPaySameKey(t *testing.T) {
	g, c := start(t, t.TempDir())
	ctx := context.Background()
	b, _ := c.FetchBill(ctx, "JVVNL", "210987654321")
	var wg sync.WaitGroup
	refs := make([]string, 8)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.Pay(ctx, payReq(b, "T-C"))
			if err != nil {
				t.Error(err)
			}
			refs[i] = p.TxnRef
		}()
	}
	wg.Wait()
	for _, r := range refs {
		if r != refs[0] {
			t.Errorf("concurrent pays returned different refs %v", refs)
			break
		}
	}
	if n := len(g.Payments()); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

func TestTornLedgerTail(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	g, c := start(t, state)
	b, _ := c.FetchBill(ctx, "JVVNL", "210123456790")
	if _, err := c.Pay(ctx, payReq(b, "T-T")); err != nil {
		t.Fatal(err)
	}
	g.Close()
	f, err := os.OpenFile(filepath.Join(state, "payments.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"idempotency_key":"T-X","status":"SUC`)
	f.Close()
	g2, _ := start(t, state)
	if g2.LoadReport == "" {
		t.Errorf("LoadReport is empty after a torn tail")
	}
	if ps := g2.Payments(); len(ps) != 1 || ps[0].IdempotencyKey != "T-T" {
		t.Errorf("payments after torn tail = %+v, want only T-T", ps)
	}
}
