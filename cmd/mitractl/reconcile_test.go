package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

func TestReconcileCommand(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "journal"), 0o755)
	gw, err := sandbox.NewFromDir("../../testdata/sandbox", filepath.Join(dir, "gateway"))
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	today := time.Now().In(time.FixedZone("IST", 5*3600+1800)).Format("2006-01-02")
	args := []string{"reconcile", "--state", dir, "--date", today, "--kiosk", "RJ-JPR-0009", "--gateway", srv.URL}

	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 || !strings.Contains(out.String(), "agree") {
		t.Fatalf("empty day = %d: %s %s", code, out.String(), errb.String())
	}
	// A payment under this kiosk's id that its (empty) journal never made.
	b, err := gw.FetchBill(context.Background(), "JVVNL", "210123456789")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gw.Pay(context.Background(), billpay.PayRequest{IdempotencyKey: "RJ-JPR-0009-20261125-000001", BillerID: b.BillerID,
		CustomerRef: b.CustomerRef, BillNumber: b.BillNumber, FetchRef: b.FetchRef, Amount: b.Amount,
		Mode: "Cash", Channel: "KIOSK", KioskID: "RJ-JPR-0009"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(args, &out, &errb); code != 1 || !strings.Contains(out.String(), "SEVERE RJ-JPR-0009-20261125-000001") {
		t.Errorf("unknown upstream payment = %d: %s", code, out.String())
	}
	srv.Close()
	errb.Reset()
	if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "gateway report") {
		t.Errorf("gateway down = %d: %s", code, errb.String())
	}
	if code := run([]string{"reconcile", "--state", dir}, &out, &errb); code != 2 {
		t.Errorf("no date = %d, want 2", code)
	}
	out.Reset()
	if code := run([]string{"credits", "--state", dir}, &out, &errb); code != 0 || !strings.Contains(out.String(), "0 credit slip(s)") {
		t.Errorf("credits = %d: %s", code, out.String())
	}
}

func TestPinHash(t *testing.T) {
	var out, errb bytes.Buffer
	if code := pinHash(strings.NewReader("482913\n"), &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "technician_pin_hash = \"pbkdf2-sha256$") {
		t.Errorf("pin-hash = %d: %q %q", code, out.String(), errb.String())
	}
	if code := pinHash(strings.NewReader("12\n"), &out, &errb); code != 2 {
		t.Errorf("short PIN = %d, want 2", code)
	}
}
