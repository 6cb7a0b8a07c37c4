package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
)

const dataDir = "../../testdata/sandbox"

func newGateway(t testing.TB, state string) *Gateway {
	t.Helper()
	g, err := NewFromDir(dataDir, state)
	if err != nil {
		t.Fatalf("NewFromDir() = %v", err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func fetch(t *testing.T, g *Gateway, biller, ref string) billpay.Bill {
	t.Helper()
	b, err := g.FetchBill(context.Background(), biller, ref)
	if err != nil {
		t.Fatalf("FetchBill(%s, %s) = %v", biller, ref, err)
	}
	return b
}

func payFor(b billpay.Bill, key string) billpay.PayRequest {
	return billpay.PayRequest{IdempotencyKey: key, BillerID: b.BillerID, CustomerRef: b.CustomerRef, BillNumber: b.BillNumber,
		FetchRef: b.FetchRef, Amount: b.Amount, Mode: "Cash", Channel: "KIOSK", KioskID: "RJ-JPR-0001"}
}

func TestMaskName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ramesh Kumar Sharma", "R***** K**** S*****"},
		{"  Farida   Bano ", "F***** B***"},
		{"सुनीता देवी", "सु**** दे**"},
		{"A", "A"},
		{"", ""},
	} {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestShippedData checks testdata/sandbox against what testers and other
// packages rely on: enough accounts per electricity biller, the special
// accounts, and a README that lists every K-number.
func TestShippedData(t *testing.T) {
	g := newGateway(t, t.TempDir())
	readme, err := os.ReadFile(filepath.Join(dataDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	perBiller := map[string]int{}
	var noBill, arrears int
	for k, r := range g.cat.accounts {
		perBiller[k.biller]++
		if !r.isDue() {
			noBill++
		}
		if r.Amount >= 1_000_000 { // ₹10,000
			arrears++
		}
		if !bytes.Contains(readme, []byte(k.ref)) {
			t.Errorf("README.md does not list %s %s", k.biller, k.ref)
		}
	}
	for _, id := range []string{"JVVNL", "AVVNL", "JDVVNL"} {
		if n := perBiller[id]; n < 10 {
			t.Errorf("%s has %d accounts, want at least 10", id, n)
		}
	}
	for _, c := range []billpay.Category{billpay.Electricity, billpay.Water, billpay.Telephone, billpay.Mobile} {
		if bs, _ := g.Billers(context.Background(), c); len(bs) == 0 {
			t.Errorf("no %s billers", c)
		}
		for _, b := range mustBillers(t, g, c) {
			if b.NameHi == "" || b.RefLabelHi == "" {
				t.Errorf("biller %s lacks its Hindi name or label", b.ID)
			}
		}
	}
	if noBill == 0 || arrears == 0 {
		t.Errorf("%d accounts with no bill due, %d with arrears over ₹10,000; want some of each", noBill, arrears)
	}
}

func mustBillers(t *testing.T, g *Gateway, c billpay.Category) []billpay.Biller {
	t.Helper()
	bs, err := g.Billers(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func TestParseCatalogue(t *testing.T) {
	const goodBiller = `[{"id":"JVVNL","name":"J","category":"electricity","ref_pattern":"^[0-9]{12}$"}]`
	const goodBill = `{"biller_id":"JVVNL","customer_ref":"210123456789","customer_name":"R K","bill_number":"B1","amount":100,"bill_date":"2026-11-01","due_date":"2026-11-30"}`
	for _, tt := range []struct {
		name, billers, bills, wantErr string
	}{
		{"good", goodBiller, "[" + goodBill + "]", ""},
		{"no bill due", goodBiller, `[{"biller_id":"JVVNL","customer_ref":"210123456789","customer_name":"R K","amount":0}]`, ""},
		{"billers not JSON", `[{`, `[]`, "billers.json"},
		{"bad pattern", `[{"id":"X","name":"X","category":"water","ref_pattern":"(["}]`, `[]`, "ref_pattern"},
		{"bad category", `[{"id":"X","name":"X","category":"gas","ref_pattern":"."}]`, `[]`, "category"},
		{"duplicate biller", `[{"id":"X","name":"X","category":"water","ref_pattern":"."},{"id":"X","name":"X","category":"water","ref_pattern":"."}]`, `[]`, "twice"},
		{"missing id", `[{"name":"X","category":"water","ref_pattern":"."}]`, `[]`, "required"},
		{"unknown biller", goodBiller, `[{"biller_id":"AVVNL","customer_ref":"1","customer_name":"R","amount":0}]`, "unknown biller"},
		{"ref fails pattern", goodBiller, `[{"biller_id":"JVVNL","customer_ref":"2101","customer_name":"R","amount":0}]`, "invalid customer reference"},
		{"negative amount", goodBiller, `[{"biller_id":"JVVNL","customer_ref":"210123456789","customer_name":"R","amount":-5}]`, "negative"},
		{"due without date", goodBiller, `[{"biller_id":"JVVNL","customer_ref":"210123456789","customer_name":"R","bill_number":"B","amount":5,"due_date":"30/11/2026"}]`, "YYYY-MM-DD"},
		{"duplicate account", goodBiller, "[" + goodBill + "," + goodBill + "]", "twice"},
		{"no name", goodBiller, `[{"biller_id":"JVVNL","customer_ref":"210123456789","amount":0}]`, "customer_name"},
		{"amount as string", goodBiller, `[{"biller_id":"JVVNL","customer_ref":"210123456789","customer_name":"R","amount":"12.50"}]`, "bills.json"},
	} {
		_, err := parseCatalogue([]byte(tt.billers), []byte(tt.bills))
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: parseCatalogue() = %v, want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func FuzzParseCatalogue(f *testing.F) {
	billers, _ := os.ReadFile(filepath.Join(dataDir, billersFile))
	bills, _ := os.ReadFile(filepath.Join(dataDir, billsFile))
	f.Add(billers, bills)
	f.Add([]byte(`[{"id":"X","name":"X","category":"water","ref_pattern":"^a*$"}]`), []byte(`[{"biller_id":"X","customer_ref":"aaa","customer_name":"Q","bill_number":"1","amount":1,"bill_date":"2026-01-01","due_date":"2026-01-02"}]`))
	f.Fuzz(func(t *testing.T, billers, bills []byte) {
		c, err := parseCatalogue(billers, bills)
		if err != nil {
			return
		}
		// Whatever is accepted must be servable: every account's bill can
		// be fetched or is reported as not due, never anything else.
		g := &Gateway{cat: c, faults: Faults{Fetch: FetchOK, Pay: PayOK}}
		g.forget()
		for k, r := range c.accounts {
			b, err := g.FetchBill(context.Background(), k.biller, k.ref)
			switch {
			case r.isDue() && (err != nil || b.Amount != r.Amount || b.FetchRef == ""):
				t.Errorf("FetchBill(%s, %s) = %+v, %v; want the bill of %v", k.biller, k.ref, b, err, r.Amount)
			case !r.isDue() && !errors.Is(err, billpay.ErrNoBill):
				t.Errorf("FetchBill(%s, %s) = %v, want ErrNoBill", k.biller, k.ref, err)
			}
		}
	})
}

func record(key string, status billpay.Status) string {
	b, _ := json.Marshal(paymentRecord{Payment: billpay.Payment{IdempotencyKey: key, Status: status, Amount: 100,
		BillerID: "JVVNL", CustomerRef: "210123456789", BillNumber: "B1"}})
	return string(b)
}

func TestParseLedger(t *testing.T) {
	a, b := record("K-1", billpay.Success), record("K-2", billpay.Pending)
	for _, tt := range []struct {
		name, in           string
		wantKeys           []string
		wantKeep, wantTorn int
		unterminated       bool
		wantErr            bool
	}{
		{name: "empty"},
		{name: "two records", in: a + "\n" + b + "\n", wantKeys: []string{"K-1", "K-2"}, wantKeep: len(a) + len(b) + 2},
		{name: "torn tail", in: a + "\n" + b[:20], wantKeys: []string{"K-1"}, wantKeep: len(a) + 1, wantTorn: 20},
		{name: "torn tail of NULs", in: a + "\n\x00\x00\x00\x00", wantKeys: []string{"K-1"}, wantKeep: len(a) + 1, wantTorn: 4},
		{name: "NULs and a newline", in: a + "\n\x00\x00\n\x00", wantKeys: []string{"K-1"}, wantKeep: len(a) + 1, wantTorn: 4},
		{name: "complete record without newline", in: a + "\n" + b, wantKeys: []string{"K-1", "K-2"}, wantKeep: len(a) + len(b) + 1, unterminated: true},
		{name: "bad last line", in: a + "\n{}\n", wantKeys: []string{"K-1"}, wantKeep: len(a) + 1, wantTorn: 3},
		{name: "unknown status last", in: a + "\n" + record("K-3", "MAYBE") + "\n", wantKeys: []string{"K-1"}, wantKeep: len(a) + 1, wantTorn: len(record("K-3", "MAYBE")) + 1},
		{name: "damage in the middle", in: a + "\n" + b[:20] + "\n" + b + "\n", wantErr: true},
		{name: "garbage first", in: "garbage\n" + a + "\n", wantErr: true},
	} {
		lc, err := jsonledger.Parse[paymentRecord]([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: parseLedger() error = %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		var keys []string
		for _, r := range lc.Records {
			keys = append(keys, r.IdempotencyKey)
		}
		if got, want := strings.Join(keys, ","), strings.Join(tt.wantKeys, ","); got != want {
			t.Errorf("%s: parseLedger() keys = %s, want %s", tt.name, got, want)
		}
		if lc.Keep != tt.wantKeep || lc.TornBytes != tt.wantTorn || lc.Unterminated != tt.unterminated {
			t.Errorf("%s: parseLedger() keep %d torn %d unterminated %v, want %d %d %v",
				tt.name, lc.Keep, lc.TornBytes, lc.Unterminated, tt.wantKeep, tt.wantTorn, tt.unterminated)
		}
	}
}

func FuzzParseLedger(f *testing.F) {
	a, b := record("K-1", billpay.Success), record("K-2", billpay.Pending)
	f.Add([]byte(a + "\n" + b + "\n"))
	f.Add([]byte(a + "\n" + b[:30]))
	f.Add([]byte(a + "\n" + b))
	f.Add([]byte("\x00\x00\n" + a))
	f.Fuzz(func(t *testing.T, in []byte) {
		lc, err := jsonledger.Parse[paymentRecord](in)
		if err != nil {
			return
		}
		if lc.Keep+lc.TornBytes != len(in) {
			t.Fatalf("keep %d + torn %d != %d bytes", lc.Keep, lc.TornBytes, len(in))
		}
		for _, r := range lc.Records {
			if err := r.Check(); err != nil {
				t.Fatalf("accepted a record that fails check: %v", err)
			}
		}
		// What is kept must read back the same and whole: the repaired
		// file is what the next start sees.
		again, err := jsonledger.Parse[paymentRecord](in[:lc.Keep])
		if err != nil || len(again.Records) != len(lc.Records) || again.TornBytes != 0 {
			t.Fatalf("kept prefix re-parses as %d records, torn %d, %v; want %d, 0, nil", len(again.Records), again.TornBytes, err, len(lc.Records))
		}
	})
}

// TestUnterminatedRecordIsKept: the power failed between a record and its
// newline. The record stands, and the next append must not glue itself to it.
func TestUnterminatedRecordIsKept(t *testing.T) {
	state := t.TempDir()
	g := newGateway(t, state)
	b := fetch(t, g, "JVVNL", "210123456789")
	if _, err := g.Pay(context.Background(), payFor(b, "K-1")); err != nil {
		t.Fatal(err)
	}
	g.Close()
	path := filepath.Join(state, LedgerFile)
	content, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.TrimSuffix(content, []byte("\n")), 0o644)

	g2 := newGateway(t, state)
	b2 := fetch(t, g2, "JVVNL", "210123456790")
	if _, err := g2.Pay(context.Background(), payFor(b2, "K-2")); err != nil {
		t.Fatal(err)
	}
	g2.Close()
	g3 := newGateway(t, state)
	if got := len(g3.Payments()); got != 2 {
		t.Errorf("payments after two restarts = %d, want 2", got)
	}
}

// TestFailedAppendRecordsNothing: when the ledger cannot be written the
// payment is refused and not remembered, so no reply claims a payment the
// ledger does not hold.
func TestFailedAppendRecordsNothing(t *testing.T) {
	g := newGateway(t, t.TempDir())
	b := fetch(t, g, "AVVNL", "110200300400")
	g.book.Close() // every write and the rollback now fail
	_, err := g.Pay(context.Background(), payFor(b, "K-1"))
	if err == nil || errors.Is(err, billpay.ErrUnavailable) {
		t.Fatalf("Pay() with an unwritable ledger = %v, want an internal error", err)
	}
	if st, _ := g.PaymentStatus(context.Background(), "K-1"); st.Status != billpay.Unknown {
		t.Errorf("PaymentStatus after a failed append = %s, want UNKNOWN", st.Status)
	}
	if status, code := errorStatus(err); status != http.StatusInternalServerError || code != CodeInternal {
		t.Errorf("errorStatus(%v) = %d %s, want 500 INTERNAL", err, status, code)
	}
	if g.book.Broken() == nil {
		t.Errorf("ledger not marked broken after a failed rollback")
	}
	if _, err := fetchOK(g, "AVVNL", "110200300400"); err != nil {
		t.Errorf("bill no longer due after a failed payment: %v", err)
	}
	// A reset moves the broken file aside and payments work again.
	if err := g.Reset(); err != nil {
		t.Fatalf("Reset() of a broken ledger = %v", err)
	}
	if p, err := g.Pay(context.Background(), payFor(b, "K-2")); err != nil || p.Status != billpay.Success {
		t.Errorf("Pay() after Reset() = %+v, %v; want SUCCESS", p, err)
	}
}

func fetchOK(g *Gateway, biller, ref string) (billpay.Bill, error) {
	return g.FetchBill(context.Background(), biller, ref)
}

func TestPayValidation(t *testing.T) {
	g := newGateway(t, t.TempDir())
	b := fetch(t, g, "JDVVNL", "310200300400")
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		change func(*billpay.PayRequest)
		want   error
	}{
		{"empty key", func(r *billpay.PayRequest) { r.IdempotencyKey = "" }, ErrBadRequest},
		{"key with a slash", func(r *billpay.PayRequest) { r.IdempotencyKey = "a/b" }, ErrBadRequest},
		{"unknown biller", func(r *billpay.PayRequest) { r.BillerID = "DISCOM" }, billpay.ErrUnknownBiller},
		{"bad ref", func(r *billpay.PayRequest) { r.CustomerRef = "31020030040" }, billpay.ErrInvalidRef},
		{"no mode", func(r *billpay.PayRequest) { r.Mode = "" }, ErrBadRequest},
		{"bad channel", func(r *billpay.PayRequest) { r.Channel = "ATM2" }, ErrBadRequest},
		{"other bill number", func(r *billpay.PayRequest) { r.BillNumber = "JD2610-0000001" }, billpay.ErrNoBill},
		{"account with no bill", func(r *billpay.PayRequest) { r.CustomerRef = "310909090909" }, billpay.ErrNoBill},
		{"stale fetch ref", func(r *billpay.PayRequest) { r.FetchRef = "BF0000000000000000" }, ErrFetchRef},
		{"short amount", func(r *billpay.PayRequest) { r.Amount -= 100 }, billpay.ErrAmount},
		{"zero amount", func(r *billpay.PayRequest) { r.Amount = 0 }, billpay.ErrAmount},
	} {
		req := payFor(b, "K-"+strings.ReplaceAll(tt.name, " ", "-"))
		tt.change(&req)
		if _, err := g.Pay(ctx, req); !errors.Is(err, tt.want) {
			t.Errorf("%s: Pay() = %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := len(g.Payments()); n != 0 {
		t.Errorf("refused payments recorded %d entries, want 0", n)
	}
}

// TestLostReplyGoAPI: through the Go API the lost reply is an
// ErrUnavailable after the commit.
func TestLostReplyGoAPI(t *testing.T) {
	g := newGateway(t, t.TempDir())
	b := fetch(t, g, "JIO", "7014123456")
	g.SetFaults(Faults{Pay: PayLost})
	ctx := context.Background()
	if _, err := g.Pay(ctx, payFor(b, "K-L")); !errors.Is(err, billpay.ErrUnavailable) {
		t.Fatalf("Pay(lost-reply) = %v, want ErrUnavailable", err)
	}
	st, err := g.PaymentStatus(ctx, "K-L")
	if err != nil || st.Status != billpay.Success || st.TxnRef == "" {
		t.Errorf("PaymentStatus after the lost reply = %+v, %v; want SUCCESS", st, err)
	}
}

func TestPendingSurvivesRestart(t *testing.T) {
	state := t.TempDir()
	g := newGateway(t, state)
	ctx := context.Background()
	g.SetFaults(Faults{Pay: PayPending, PendingPolls: 3})
	p, err := g.Pay(ctx, payFor(fetch(t, g, "PHED", "1402003002"), "K-P"))
	if err != nil || p.Status != billpay.Pending || p.TxnRef != "" {
		t.Fatalf("Pay(pending) = %+v, %v", p, err)
	}
	if _, err := g.FetchBill(ctx, "PHED", "1402003002"); !errors.Is(err, billpay.ErrNoBill) {
		t.Errorf("FetchBill of a bill with a pending payment = %v, want ErrNoBill", err)
	}
	st, _ := g.PaymentStatus(ctx, "K-P")
	g.Close()
	if st.Status != billpay.Pending {
		t.Fatalf("first poll = %s, want PENDING", st.Status)
	}
	g2 := newGateway(t, state)
	var seen []billpay.Status
	for range 3 {
		st, err := g2.PaymentStatus(ctx, "K-P")
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, st.Status)
	}
	if got, want := seen, []billpay.Status{billpay.Pending, billpay.Success, billpay.Success}; !equalStatuses(got, want) {
		t.Errorf("polls after restart = %v, want %v (the first poll before the restart counts)", got, want)
	}
	if n := len(g2.Payments()); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

func equalStatuses(a, b []billpay.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestResetArchives(t *testing.T) {
	state := t.TempDir()
	g := newGateway(t, state)
	ctx := context.Background()
	if _, err := g.Pay(ctx, payFor(fetch(t, g, "BSNL-LL", "02912650123"), "K-R")); err != nil {
		t.Fatal(err)
	}
	g.SetFaults(Faults{Fetch: FetchDown})
	if err := g.Reset(); err != nil {
		t.Fatalf("Reset() = %v", err)
	}
	if f := g.CurrentFaults(); f.Fetch != FetchOK || f.Pay != PayOK {
		t.Errorf("faults after Reset() = %+v, want none", f)
	}
	fetch(t, g, "BSNL-LL", "02912650123") // due again
	if n := len(g.Payments()); n != 0 {
		t.Errorf("payments after Reset() = %d, want 0", n)
	}
	archived, _ := filepath.Glob(filepath.Join(state, "payments-*.jsonl"))
	if len(archived) != 1 {
		t.Fatalf("archived ledgers = %v, want one", archived)
	}
	if b, _ := os.ReadFile(archived[0]); !bytes.Contains(b, []byte(`"K-R"`)) {
		t.Errorf("archived ledger lacks the payment: %s", b)
	}
	// A payment after the reset lands in the new ledger and survives a restart.
	if _, err := g.Pay(ctx, payFor(fetch(t, g, "BSNL-LL", "02912650123"), "K-R2")); err != nil {
		t.Fatal(err)
	}
	g.Close()
	if ps := newGateway(t, state).Payments(); len(ps) != 1 || ps[0].IdempotencyKey != "K-R2" {
		t.Errorf("payments after restart = %+v, want only K-R2", ps)
	}
}

func TestFaultsValidation(t *testing.T) {
	for _, tt := range []struct {
		in      Faults
		wantErr bool
		want    Faults
	}{
		{Faults{}, false, Faults{FetchOK, PayOK, DefaultPendingPolls}},
		{Faults{Pay: PayPending, PendingPolls: 5}, false, Faults{FetchOK, PayPending, 5}},
		{Faults{Fetch: "slow"}, true, Faults{}},
		{Faults{Pay: "explode"}, true, Faults{}},
		{Faults{PendingPolls: -1}, true, Faults{}},
	} {
		got, err := tt.in.normalize()
		if (err != nil) != tt.wantErr || !tt.wantErr && got != tt.want {
			t.Errorf("%+v.normalize() = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestHTTPErrors checks every route's refusals: status, JSON code and
// content type.
func TestHTTPErrors(t *testing.T) {
	g := newGateway(t, t.TempDir())
	h := g.Handler()
	b := fetch(t, g, "JVVNL", "210678901234")
	pay := func(change func(*billpay.PayRequest)) string {
		r := payFor(b, "K-H")
		change(&r)
		j, _ := json.Marshal(r)
		return string(j)
	}
	for _, tt := range []struct {
		method, path, body string
		wantStatus         int
		wantCode           string
	}{
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL"`, 400, CodeBadRequest},
		{"POST", "/v1/bills/fetch", `{"biller": "JVVNL"}`, 400, CodeBadRequest},
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL", "customer_ref": "210678901234"} {}`, 400, CodeBadRequest},
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL", "customer_ref": "2106789012"}`, 400, CodeInvalidRef},
		{"POST", "/v1/bills/fetch", `{"biller_id": "NOPE", "customer_ref": "210678901234"}`, 404, CodeUnknownBiller},
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL", "customer_ref": "210333000999"}`, 404, CodeNoBillDue},
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL", "customer_ref": "299999999999"}`, 404, CodeNoBillDue},
		{"POST", "/v1/bills/fetch", strings.Repeat(" ", maxBody+1) + `{}`, 400, CodeBadRequest},
		{"POST", "/v1/payments", `{}`, 400, CodeBadRequest},
		{"POST", "/v1/payments", `{"amount": "12.50"}`, 400, CodeBadRequest},
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.Amount++ }), 409, CodeAmountMismatch},
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.FetchRef = "x" }), 409, CodeFetchRefMismatch},
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.BillerID = "NOPE" }), 404, CodeUnknownBiller},
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.CustomerRef = "1" }), 400, CodeInvalidRef},
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.Mode = "Cheque" }), 400, CodeBadRequest},
		{"POST", "/v1/payments", pay(func(*billpay.PayRequest) {}), 200, ""},
		{"POST", "/v1/payments", pay(func(*billpay.PayRequest) {}), 200, ""}, // the repeat
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.CustomerRef = "210222333444" }), 409, CodeKeyConflict},
		{"POST", "/v1/payments", pay(func(r *billpay.PayRequest) { r.IdempotencyKey = "K-H2" }), 404, CodeNoBillDue},
		{"GET", "/v1/payments/none", ``, 404, ""},
		{"GET", "/v1/nothing", ``, 404, "NOT_FOUND"},
		{"GET", "/v1/bills/fetch", ``, 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "/v1/payments/K-H", ``, 405, "METHOD_NOT_ALLOWED"},
		{"GET", "/sandbox/reset", ``, 405, "METHOD_NOT_ALLOWED"},
		{"POST", "/sandbox/faults", `{"pay": "explode"}`, 400, CodeBadRequest},
		{"POST", "/sandbox/faults", `{"fetch": "down"}`, 200, ""},
		{"POST", "/v1/bills/fetch", `{"biller_id": "JVVNL", "customer_ref": "210222333444"}`, 503, CodeUnavailable},
		{"POST", "/sandbox/faults", `{"pay": "down"}`, 200, ""},
		{"POST", "/v1/payments", pay(func(*billpay.PayRequest) {}), 503, CodeUnavailable},
		{"GET", "/v1/payments/K-H", ``, 503, CodeUnavailable},
		{"POST", "/sandbox/reset", ``, 200, ""},
		{"GET", "/v1/payments/K-H", ``, 404, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
		var ae APIError
		json.Unmarshal(rec.Body.Bytes(), &ae)
		body := tt.body
		if len(body) > 80 {
			body = body[:80] + "…"
		}
		if rec.Code != tt.wantStatus || ae.Code != tt.wantCode {
			t.Errorf("%s %s %s = %d %q, want %d %q (%s)", tt.method, tt.path, body, rec.Code, ae.Code, tt.wantStatus, tt.wantCode, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q, want JSON", tt.method, tt.path, ct)
		}
	}
}

func TestHTTPBillersAndPayments(t *testing.T) {
	g := newGateway(t, t.TempDir())
	h := g.Handler()
	get := func(path string, v any) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("GET %s: %v (%s)", path, err, rec.Body)
		}
		return rec.Code
	}
	for _, tt := range []struct {
		category string
		want     int
	}{{"electricity", 3}, {"water", 1}, {"telephone", 1}, {"mobile", 4}, {"", 9}, {"gas", 0}} {
		var bs []billpay.Biller
		if code := get("/v1/billers?category="+tt.category, &bs); code != 200 || len(bs) != tt.want {
			t.Errorf("GET /v1/billers?category=%s = %d, %d billers; want 200, %d", tt.category, code, len(bs), tt.want)
		}
	}
	if _, err := g.Pay(context.Background(), payFor(fetch(t, g, "VI", "9983012345"), "K-V")); err != nil {
		t.Fatal(err)
	}
	var ps []billpay.Payment
	if code := get("/sandbox/payments", &ps); code != 200 || len(ps) != 1 || ps[0].IdempotencyKey != "K-V" {
		t.Errorf("GET /sandbox/payments = %d %+v, want the one payment", code, ps)
	}
}

// FuzzDecodeRequest sends arbitrary bodies to the two POST routes of the
// API. Whatever the body, the answer is one of the documented ones, and a
// payment is only ever recorded for a well-formed request of the bill due.
func FuzzDecodeRequest(f *testing.F) {
	g := newGateway(f, f.TempDir())
	h := g.Handler()
	good, _ := g.FetchBill(context.Background(), "JVVNL", "210123456789")
	goodJSON, _ := json.Marshal(payFor(good, "F-1"))
	f.Add(false, goodJSON)
	f.Add(false, []byte(`{"idempotency_key":"F-2","biller_id":"JVVNL","customer_ref":"210123456789","amount":-1}`))
	f.Add(false, []byte(`[`))
	f.Add(true, []byte(`{"biller_id":"JVVNL","customer_ref":"210123456789"}`))
	f.Add(true, []byte(`{"biller_id":"JVVNL","customer_ref":"210123456789"}x`))
	f.Fuzz(func(t *testing.T, isFetch bool, body []byte) {
		path := "/v1/payments"
		if isFetch {
			path = "/v1/bills/fetch"
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(body)))
		switch rec.Code {
		case 200:
			if isFetch {
				return
			}
			var req billpay.PayRequest
			if err := DecodeRequest(bytes.NewReader(body), &req); err != nil {
				t.Fatalf("200 for a body DecodeRequest refuses: %v", err)
			}
			// Either the payment of the bill due, or a repeat of it: same
			// key, biller, customer, bill and amount as the one recorded.
			st, _ := g.PaymentStatus(context.Background(), req.IdempotencyKey)
			if st.Status == billpay.Unknown || st.Amount != req.Amount || st.BillerID != req.BillerID ||
				st.CustomerRef != req.CustomerRef || st.BillNumber != req.BillNumber || st.Amount != good.Amount {
				t.Fatalf("200 for %s but the ledger says %+v", body, st)
			}
		case 400, 404, 409:
			var ae APIError
			if err := json.Unmarshal(rec.Body.Bytes(), &ae); err != nil || ae.Code == "" || ae.Message == "" {
				t.Fatalf("%d answer is not an API error: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("POST %s %q = %d %s", path, body, rec.Code, rec.Body)
		}
		if n := len(g.Payments()); n > 1 {
			t.Fatalf("%d payments recorded for one bill", n)
		}
	})
}

// BenchmarkPay measures one payment end to end through the HTTP handler,
// fsync of the ledger included: the floor of a kiosk's payment latency.
func BenchmarkPay(b *testing.B) {
	g := newGateway(b, b.TempDir())
	h := g.Handler()
	bill, err := g.FetchBill(context.Background(), "JVVNL", "210123456789")
	if err != nil {
		b.Fatal(err)
	}
	g.SetFaults(Faults{Pay: PayFail}) // a FAILURE leaves the bill due, so every iteration posts a new payment
	b.ResetTimer()
	for i := range b.N {
		body, _ := json.Marshal(payFor(bill, "B-"+strconv.Itoa(i)))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/payments", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatalf("POST /v1/payments = %d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkFetchBill measures a bill fetch through the HTTP handler.
func BenchmarkFetchBill(b *testing.B) {
	h := newGateway(b, b.TempDir()).Handler()
	body := []byte(`{"biller_id":"JVVNL","customer_ref":"210123456789"}`)
	for range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/bills/fetch", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatalf("POST /v1/bills/fetch = %d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkOpenLedger measures a start-up replay of a ledger of 10,000
// payments.
func BenchmarkOpenLedger(b *testing.B) {
	var buf bytes.Buffer
	for i := range 10_000 {
		buf.WriteString(record("K-"+strconv.Itoa(i), billpay.Success) + "\n")
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, LedgerFile), buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for range b.N {
		g := newGateway(b, dir)
		if n := len(g.Payments()); n != 10_000 {
			b.Fatalf("%d payments, want 10000", n)
		}
		g.Close()
	}
}
