package main

import (
	"context"
	"errors"
	"log"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

// TestLogRequestsKeepsLostReply: the logging wrapper must still let the
// lost-reply fault take the connection over, and must log each request with
// its outcome.
func TestLogRequestsKeepsLostReply(t *testing.T) {
	lines := make(chan string, 64)

	g, err := sandbox.NewFromDir("../../testdata/sandbox", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	srv := httptest.NewServer(logRequests(log.New(lineWriter(lines), "", 0), g.Handler()))
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
	// The line of the dropped request is written when its handler returns,
	// which no reply marks: wait for the lines, with a guard so that a
	// missing line fails rather than hangs.
	want := map[string]bool{"POST /v1/bills/fetch → OK": true, "POST /v1/payments → dropped": true, "GET /v1/payments/T-1 → OK": true}
	var got []string
	guard := time.After(10 * time.Second)
	for len(want) > 0 {
		select {
		case l := <-lines:
			got = append(got, l)
			for w := range want {
				if strings.Contains(l, w) {
					delete(want, w)
				}
			}
		case <-guard:
			t.Fatalf("log lacks %v; got:\n%s", want, strings.Join(got, ""))
		}
	}
}

// lineWriter hands each log line to a channel.
type lineWriter chan<- string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}
