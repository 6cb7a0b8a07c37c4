package main

import (
	"bytes"
	"context"
	"errors"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

// TestLogRequestsKeepsLostReply: the logging wrapper must still let the
// lost-reply fault take the connection over, and must log each request with
// its outcome.
func TestLogRequestsKeepsLostReply(t *testing.T) {
	var logs bytes.Buffer

	g, err := sandbox.NewFromDir("../../testdata/sandbox", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	srv := httptest.NewServer(logRequests(log.New(&logs, "", 0), g.Handler()))
	defer srv.Close()
	c := billpayhttp.New(srv.URL, srv.Client())
	ctx := context.Background()

	b, err := c.FetchBill(ctx, "JVVNL", "210555000111")
	if err != nil {
		t.Fatal(err)
	}
	g.SetFaults(sandbox.Faults{Pay: sandbox.PayLost})
	req := billpay.PayRequest{IdempotencyKey: "T-1", BillerID: b.BillerID, CustomerRef: b.CustomerRef, BillNumber: b.BillNumber,
		FetchRef: b.FetchRef, Amount: b.Amount, Mode: "Cash", Channel: "KIOSK"}
	if _, err := c.Pay(ctx, req); !errors.Is(err, billpay.ErrUnavailable) {
		t.Fatalf("Pay(lost-reply) through the logger = %v, want ErrUnavailable", err)
	}
	if st, err := c.PaymentStatus(ctx, "T-1"); err != nil || st.Status != billpay.Success {
		t.Fatalf("PaymentStatus = %+v, %v; want SUCCESS", st, err)
	}
	srv.Close() // waits for the handlers, and so for their log lines
	out := logs.String()
	for _, want := range []string{"POST /v1/bills/fetch → OK", "POST /v1/payments → dropped", "GET /v1/payments/T-1 → OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
