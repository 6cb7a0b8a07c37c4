package engine

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
)

func TestReconcile(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	srv := httptest.NewServer(r.gw.Handler())
	defer srv.Close()
	report := func() Reconciliation {
		t.Helper()
		date := r.e.cfg.Now().In(receipt.IST).Format("2006-01-02")
		ps, err := billpayhttp.New(srv.URL, nil).PaymentsReport(context.Background(), "RJ-JPR-0001", date)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := Reconcile(r.state, "RJ-JPR-0001", date, ps)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}

	// A paid bill: both sides agree.
	r.e.BeginSession()
	bill, err := r.e.FetchBill(context.Background(), "AVVNL", "110200300400") // ₹875 + ₹5
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.e.PayByCash(context.Background(), bill)
	if err != nil {
		t.Fatal(err)
	}
	ch := watch(p)
	for _, v := range []int64{500, 200, 100, 50, 20, 10} {
		r.sim.Insert(money.Rupees(v))
	}
	paid := await(t, ch, "done", func(s PaymentState) bool { return s.Phase.Final() })
	if rec := report(); rec.Matched != 1 || rec.MatchedSum != money.Rupees(875) || len(rec.Mismatches) != 0 {
		t.Fatalf("after one payment: %+v", rec)
	}

	// The citizen cancelled and was credited, yet the gateway holds a
	// payment under that key (a replayed request, a gateway bug): money
	// counted twice, and the reconciliation must say so.
	credit := creditFromCancel(t, r)
	b2 := fetch(t, r, "210123456789")
	if _, err := r.gw.Pay(context.Background(), billpay.PayRequest{IdempotencyKey: credit.TxnID, BillerID: b2.BillerID,
		CustomerRef: b2.CustomerRef, BillNumber: b2.BillNumber, FetchRef: b2.FetchRef, Amount: b2.Amount,
		Mode: "Cash", Channel: "KIOSK", KioskID: "RJ-JPR-0001"}); err != nil {
		t.Fatal(err)
	}
	// And a payment under this kiosk's id that its journal never made.
	b3, _ := r.gw.FetchBill(context.Background(), "JDVVNL", "310100200300")
	if _, err := r.gw.Pay(context.Background(), billpay.PayRequest{IdempotencyKey: "RJ-JPR-0001-19990101-000001", BillerID: b3.BillerID,
		CustomerRef: b3.CustomerRef, BillNumber: b3.BillNumber, FetchRef: b3.FetchRef, Amount: b3.Amount,
		Mode: "Cash", Channel: "KIOSK", KioskID: "RJ-JPR-0001"}); err != nil {
		t.Fatal(err)
	}
	rec := report()
	if rec.Matched != 1 || len(rec.Mismatches) != 2 {
		t.Fatalf("reconciliation %+v; want 1 match and 2 mismatches", rec)
	}
	for _, m := range rec.Mismatches {
		if !m.Severe {
			t.Errorf("%v: want severe", m)
		}
		switch m.Key {
		case credit.TxnID:
			if !strings.Contains(m.Advice, "credit") {
				t.Errorf("double count advice: %v", m)
			}
		case "RJ-JPR-0001-19990101-000001":
			if !strings.Contains(m.Journal, "no such transaction") {
				t.Errorf("unknown payment: %v", m)
			}
		default:
			t.Errorf("unexpected mismatch %v (paid one was %s)", m, paid.TxnID)
		}
	}
}
