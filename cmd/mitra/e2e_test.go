package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/drivers/audio/wav"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/voice"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/ui"
)

// The end-to-end tests run the real kiosk binary, headless, on simulated
// devices and the built-in sandbox gateway, and drive it only through its
// automation endpoint, as a remote-support tool or a technician would.

var kioskBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mitra-e2e")
	if err != nil {
		panic(err)
	}
	kioskBin = filepath.Join(dir, "mitra")
	build := exec.Command("go", "build", "-tags", "noos", "-o", kioskBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the kiosk: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type kiosk struct {
	t       *testing.T
	state   string
	api     string // automation
	gateway string // sandbox
	cmd     *exec.Cmd
}

var addrLine = regexp.MustCompile(`(automation|sandbox gateway) on (http://[0-9.:]+)`)

// startKiosk runs the kiosk and waits for its first frame.
func startKiosk(t *testing.T, state string) *kiosk {
	t.Helper()
	return startKioskWith(t, state, "")
}

// startKioskWith starts the kiosk with top-level config lines added.
func startKioskWith(t *testing.T, state, extra string) *kiosk {
	t.Helper()
	repo, _ := filepath.Abs("../..")
	cfg := filepath.Join(t.TempDir(), "mitra.toml")
	os.WriteFile(cfg, []byte(extra+fmt.Sprintf("language = \"en\"\n[gateway]\nsandbox_data = %q\ndocuments_data = %q\nstatus_data = %q\npension_data = %q\n",
		filepath.Join(repo, "testdata/sandbox"), filepath.Join(repo, "testdata/documents"), filepath.Join(repo, "testdata/status"), filepath.Join(repo, "testdata/pension"))), 0o644)
	k := &kiosk{t: t, state: state}
	k.cmd = exec.Command(kioskBin, "-sim", "-headless", "-state", state, "-config", cfg, "-automation", "127.0.0.1:0")
	stderr, _ := k.cmd.StderrPipe()
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.cmd.Process.Kill(); k.cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
	}()
	guard := time.After(60 * time.Second)
	for k.api == "" || k.gateway == "" || !strings.Contains(k.api, "ready") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("kiosk exited during start-up")
			}
			if m := addrLine.FindStringSubmatch(l); m != nil {
				if m[1] == "automation" {
					k.api = m[2]
				} else {
					k.gateway = m[2]
				}
			}
			if strings.Contains(l, "first frame") && k.api != "" {
				k.api += "#ready"
			}
		case <-guard:
			t.Fatal("kiosk did not start within 60 s")
		}
	}
	k.api = strings.TrimSuffix(k.api, "#ready")
	go func() {
		for range lines {
		}
	}()
	if k.state_().Screen == "attract" {
		k.press("Touch to start")
	}
	return k
}

func (k *kiosk) post(path string, q url.Values) (ui.State, int) {
	k.t.Helper()
	resp, err := http.Post(k.api+path+"?"+q.Encode(), "", nil)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var st ui.State
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &st); err != nil {
			k.t.Fatalf("%s: %v: %s", path, err, b)
		}
	}
	return st, resp.StatusCode
}

func (k *kiosk) press(label string) ui.State {
	k.t.Helper()
	st, code := k.post("/press", url.Values{"text": {label}})
	if code != http.StatusOK {
		k.t.Fatalf("press %q: HTTP %d on screen %q", label, code, k.state_().Screen)
	}
	return st
}

func (k *kiosk) typeText(s string) {
	k.t.Helper()
	if _, code := k.post("/type", url.Values{"text": {s}}); code != http.StatusOK {
		k.t.Fatalf("type %q: HTTP %d", s, code)
	}
}

func (k *kiosk) note(rupees int) {
	k.t.Helper()
	if _, code := k.post("/sim/note", url.Values{"rupees": {fmt.Sprint(rupees)}}); code != http.StatusOK {
		k.t.Fatalf("sim note %d: HTTP %d", rupees, code)
	}
}

func (k *kiosk) state_() ui.State {
	k.t.Helper()
	resp, err := http.Get(k.api + "/state")
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	var st ui.State
	json.NewDecoder(resp.Body).Decode(&st)
	return st
}

// waitFor polls /state until ok; the guard only stops a hung kiosk.
func (k *kiosk) waitFor(what string, ok func(ui.State) bool) ui.State {
	k.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := k.state_()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("waiting for %s: last state %+v", what, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (k *kiosk) screen(s string) ui.State {
	return k.waitFor("screen "+s, func(st ui.State) bool { return st.Screen == s })
}

func (k *kiosk) payments() []billpay.Payment {
	k.t.Helper()
	resp, err := http.Get(k.gateway + "/sandbox/payments")
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	var ps []billpay.Payment
	json.NewDecoder(resp.Body).Decode(&ps)
	return ps
}

func (k *kiosk) fault(body string) {
	resp, err := http.Post(k.gateway+"/sandbox/faults", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		k.t.Fatalf("sandbox fault %s: %v %v", body, err, resp)
	}
	resp.Body.Close()
}

// toBill walks Home → Pay bills → Electricity → biller → K-number → bill.
func (k *kiosk) toBill(biller, kno string) {
	k.press("Pay bills")
	k.screen("bills")
	k.press("Electricity")
	k.screen("biller")
	k.press(biller)
	k.screen("knumber")
	k.typeText(kno)
	k.press("Get bill")
	k.screen("bill")
}

func (k *kiosk) journal() []engine.TxnSummary {
	k.t.Helper()
	l, _, err := engine.ListTransactions(k.state)
	if err != nil {
		k.t.Fatal(err)
	}
	return l
}

func (k *kiosk) receipts() []string {
	m, _ := filepath.Glob(filepath.Join(k.state, "printer", "receipt-*.bin"))
	return m
}

// qrOf decodes the QR code of a spooled receipt with zbarimg.
func qrOf(t *testing.T, bin string) string {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("zbarimg missing (apt zbar-tools)")
		}
		t.Skip("zbarimg not installed")
	}
	raw, _ := os.ReadFile(bin)
	pages, err := escpos.Decode(raw)
	if err != nil || len(pages) == 0 {
		t.Fatalf("receipt %s does not decode: %v", bin, err)
	}
	png := strings.TrimSuffix(bin, ".bin") + ".check.png"
	if err := escpos.WritePNG(png, pages[0].Image); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--nodbus", "--raw", "-q", png).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v", png, err)
	}
	return strings.TrimSpace(string(out))
}

func TestPayElectricityBillByCash(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.press("हिन्दी")
	if st := k.state_(); st.Lang != "hi" {
		t.Fatalf("lang after pressing हिन्दी = %s", st.Lang)
	}
	k.toBill("JVVNL", "210123456789") // ₹1,235 + ₹5 user charge
	k.press("Pay by cash")            // pressed by its English name while the UI is in Hindi
	st := k.screen("cash")
	if st.TxnState != string(engine.PhaseInserting) || st.TxnID == "" {
		t.Fatalf("cash screen state %+v", st)
	}
	for _, n := range []int{500, 500, 200, 20, 20} {
		k.note(n)
	}
	st = k.screen("done")
	ps := k.payments()
	if len(ps) != 1 || ps[0].Amount != money.Rupees(1235) || ps[0].IdempotencyKey != st.TxnID || ps[0].Status != billpay.Success {
		t.Fatalf("sandbox payments = %+v; want exactly one SUCCESS of ₹1,235 keyed %s", ps, st.TxnID)
	}
	rs := k.receipts()
	if len(rs) != 1 {
		t.Fatalf("receipts %v, want one", rs)
	}
	qr := qrOf(t, rs[0])
	for _, want := range []string{"MITRA-RCPT1", st.TxnID, "JV2611-0048213", "|123500|", ps[0].TxnRef} {
		if !strings.Contains(qr, want) {
			t.Errorf("receipt QR %q lacks %q", qr, want)
		}
	}
	j := k.journal()
	if len(j) != 1 || j[0].Phase != engine.PhaseDone || j[0].Stacked != money.Rupees(1240) || j[0].PayStatus != billpay.Success {
		t.Errorf("journal = %+v", j)
	}
	k.press("Home")
	k.screen("home")
	if st := k.state_(); st.SessionID != "" {
		t.Errorf("session %q still open after Home", st.SessionID)
	}
}

func TestCancelReturnsEscrowedNote(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.toBill("JVVNL", "210123456790") // ₹487.50 + ₹5
	k.press("Pay by cash")
	k.screen("cash")
	k.note(2000) // more than due: held in escrow for the citizen's choice
	k.waitFor("overpay choice on screen", func(s ui.State) bool { return containsLabel(s, "Return note") })
	k.press("Cancel")
	k.screen("cancelled")
	if ps := k.payments(); len(ps) != 0 {
		t.Errorf("payments %+v, want none", ps)
	}
	if rs := k.receipts(); len(rs) != 0 {
		t.Errorf("printed %v, want nothing", rs)
	}
	if j := k.journal(); len(j) != 1 || j[0].Phase != engine.PhaseCancelled || j[0].Stacked != 0 {
		t.Errorf("journal %+v", j)
	}
}

func TestCancelAfterStackedPrintsCreditSlip(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.toBill("JDVVNL", "310100200300") // ₹2,100 + ₹5
	k.press("Pay by cash")
	k.screen("cash")
	k.note(500)
	k.waitFor("₹500 stacked", func(s ui.State) bool {
		for _, l := range s.Labels {
			if l == "₹1,605" {
				return true
			}
		}
		return false
	})
	k.press("Cancel")
	k.screen("credited")
	if ps := k.payments(); len(ps) != 0 {
		t.Errorf("payments %+v, want none", ps)
	}
	rs := k.receipts()
	if len(rs) != 1 {
		t.Fatalf("printed %v, want one credit slip", rs)
	}
	if qr := qrOf(t, rs[0]); !strings.HasPrefix(qr, "MITRA-CREDIT1|") || !strings.Contains(qr, "|50000|") {
		t.Errorf("credit slip QR %q", qr)
	}
	if j := k.journal(); len(j) != 1 || j[0].Phase != engine.PhaseCredited || j[0].Credited != money.Rupees(500) {
		t.Errorf("journal %+v", j)
	}
}

func TestOverpayKeepExcessAsCredit(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.toBill("AVVNL", "110200300400") // ₹875 + ₹5 = ₹880
	k.press("Pay by cash")
	k.screen("cash")
	k.note(500)
	k.note(500) // ₹1,000 for ₹880
	k.waitFor("overpay choice on screen", func(s ui.State) bool { return containsLabel(s, "Return note") })
	k.press("Return note")
	k.waitFor("note returned", func(s ui.State) bool {
		return s.TxnState == string(engine.PhaseInserting) && !containsLabel(s, "Return note")
	})
	k.note(200)
	k.note(200) // ₹900 for ₹880
	k.waitFor("overpay choice again", func(s ui.State) bool { return containsLabel(s, "Keep ₹20 as credit slip") })
	k.press("Keep ₹20 as credit slip")
	k.screen("done")
	if ps := k.payments(); len(ps) != 1 || ps[0].Amount != money.Rupees(875) {
		t.Errorf("payments %+v", ps)
	}
	if rs := k.receipts(); len(rs) != 2 {
		t.Errorf("printed %v, want a credit slip and a receipt", rs)
	}
	if j := k.journal(); j[0].Credited != money.Rupees(20) || j[0].Stacked != money.Rupees(900) {
		t.Errorf("journal %+v", j)
	}
}

func TestBadInput(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.press("Pay bills")
	k.press("Electricity")
	k.screen("biller")
	k.press("JVVNL")
	k.typeText("21012345")
	st := k.press("Get bill")
	if st.Screen != "knumber" || !strings.Contains(st.Message, "not valid") {
		t.Errorf("short K-number: %+v", st)
	}
	if _, code := k.post("/type", url.Values{"text": {"12a"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("typing a letter on the numeric keypad = %d, want 422", code)
	}
	k.press("Clear")
	k.typeText("210333000999")
	k.press("Get bill")
	st = k.waitFor("no-bill message", func(s ui.State) bool { return strings.Contains(s.Message, "No bill") })
	k.fault(`{"fetch": "down"}`)
	k.press("Clear")
	k.typeText("210123456789")
	k.press("Get bill")
	st = k.waitFor("gateway-down message", func(s ui.State) bool { return strings.Contains(s.Message, "not reachable") })
	if st.Screen != "knumber" || len(k.journal()) != 0 {
		t.Errorf("after gateway down: screen %s, journal %v; want nothing charged", st.Screen, k.journal())
	}
	if _, code := k.post("/press", url.Values{"text": {"No such button"}}); code != http.StatusNotFound {
		t.Errorf("press of a missing label = %d, want 404", code)
	}
	if _, code := k.post("/tap", url.Values{"x": {"-5"}, "y": {"10"}}); code != http.StatusBadRequest {
		t.Errorf("tap outside the screen = %d, want 400", code)
	}
}

func (k *kiosk) simFault(f string) {
	k.t.Helper()
	if _, code := k.post("/sim/fault", url.Values{"fault": {f}}); code != http.StatusOK {
		k.t.Fatalf("sim fault %s: HTTP %d", f, code)
	}
}

func TestPrinterOutOfPaperAndRejectedNote(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.toBill("AVVNL", "110200300400") // ₹880 due
	k.press("Pay by cash")
	k.screen("cash")
	k.simFault("counterfeit")
	st := k.waitFor("note rejected message", func(s ui.State) bool {
		for _, l := range s.Labels {
			if strings.Contains(l, "not accepted") {
				return true
			}
		}
		return false
	})
	if st.TxnState != string(engine.PhaseInserting) {
		t.Errorf("after a rejected note: %+v", st)
	}
	k.simFault("paper-out")
	for _, n := range []int{500, 200, 100, 50, 20, 10} {
		k.note(n)
	}
	st = k.screen("done")
	if !containsLabel(st, "receipt could not be printed") {
		t.Errorf("done screen does not say the receipt failed: %v", st.Labels)
	}
	if ps := k.payments(); len(ps) != 1 {
		t.Errorf("payments %+v", ps)
	}
	if rs := k.receipts(); len(rs) != 0 {
		t.Errorf("printed %v with no paper", rs)
	}
	if j := k.journal(); j[0].Phase != engine.PhaseDone || j[0].Problem != engine.ProblemPrinterDown {
		t.Errorf("journal %+v; want done with printer-down (receipt reprintable)", j)
	}
}

func TestGatewayDownAtPaymentGivesAcknowledgement(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.toBill("JVVNL", "210555000111") // ₹610 + ₹5 = ₹615
	k.press("Pay by cash")
	k.screen("cash")
	k.fault(`{"pay": "down"}`)
	for _, n := range []int{500, 100} {
		k.note(n)
	}
	k.note(20) // ₹620 for ₹615
	k.waitFor("overpay choice on screen", func(s ui.State) bool { return containsLabel(s, "Keep ₹5 as credit slip") })
	k.press("Keep ₹5 as credit slip")
	st := k.screen("acknowledged")
	if ps := k.payments(); len(ps) != 0 {
		t.Errorf("payments %+v while the gateway is down", ps)
	}
	j := k.journal()
	if len(j) != 1 || j[0].Phase != "" || j[0].Credited != 0 || j[0].Stacked != money.Rupees(620) {
		t.Errorf("journal %+v; want an open transaction, no credit yet (the payment may still go through)", j)
	}
	rs := k.receipts()
	if len(rs) != 1 || !strings.HasPrefix(qrOf(t, rs[0]), "MITRA-ACK1|") {
		t.Errorf("acknowledgement slip: %v", rs)
	}
	_ = st
}

func containsLabel(st ui.State, sub string) bool {
	for _, l := range st.Labels {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// TestPowerCutMidPaymentRecovers kills the kiosk (SIGKILL, as a power cut
// would) after a note was stacked, restarts it on the same state, and
// expects the money back as a credit slip, shown on the first screen.
func TestPowerCutMidPaymentRecovers(t *testing.T) {
	state := t.TempDir()
	k := startKiosk(t, state)
	k.toBill("JVVNL", "210987654321") // ₹2,960 + ₹5
	k.press("Pay by cash")
	k.screen("cash")
	k.note(500)
	k.waitFor("₹500 in", func(s ui.State) bool { return containsLabel(s, "₹2,465") })
	k.cmd.Process.Kill()
	k.cmd.Wait()

	k2 := startKiosk(t, state)
	st := k2.state_()
	if st.Screen != "home" || !containsLabel(st, "credit slip") {
		t.Errorf("after restart: %+v; want Home with the recovered credit notice", st)
	}
	j := k2.journal()
	if len(j) != 1 || j[0].Phase != engine.PhaseCredited || j[0].Credited != money.Rupees(500) {
		t.Errorf("journal after recovery %+v", j)
	}
	if ps := k2.payments(); len(ps) != 0 {
		t.Errorf("payments %+v, want none", ps)
	}
	if rs := k2.receipts(); len(rs) != 1 {
		t.Errorf("printed %v, want the credit slip", rs)
	}
	k2.press("OK")
	if st := k2.state_(); containsLabel(st, "credit slip") {
		t.Errorf("notice still shown after OK")
	}
}

// TestCreditSlipRedeemedAtTheKiosk: a citizen cancels after ₹500 went in and
// takes the credit slip; the next visit types its code on the bill screen,
// pays the rest in notes, and the slip cannot be used again.
func TestCreditSlipRedeemedAtTheKiosk(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.toBill("JDVVNL", "310100200300") // ₹2,100 + ₹5
	k.press("Pay by cash")
	k.screen("cash")
	k.note(500)
	k.waitFor("₹500 stacked", func(s ui.State) bool { return containsLabel(s, "₹1,605") })
	k.press("Cancel")
	k.screen("credited")
	qr := qrOf(t, k.receipts()[0])
	fields := strings.Split(qr, "|")
	if len(fields) < 7 || len(fields[5]) != 12 {
		t.Fatalf("credit slip QR %q carries no 12-digit code", qr)
	}
	code := fields[5]
	k.press("Home")

	k.toBill("AVVNL", "110200300400") // ₹875 + ₹5
	k.press("Use a credit slip")
	k.screen("creditcode")
	k.typeText(code[:6] + "000000") // a wrong code first
	if s := k.press("Use this slip"); s.Screen != "creditcode" || !strings.Contains(s.Message, "not on a credit slip") {
		t.Errorf("wrong code: screen %q message %q", s.Screen, s.Message)
	}
	k.press("Clear")
	k.typeText(code)
	s := k.press("Use this slip")
	if s.Screen != "bill" || !containsLabel(s, "₹380") { // ₹880 − ₹500 left
		t.Fatalf("after the slip: screen %q labels %v", s.Screen, s.Labels)
	}
	k.press("Pay by cash")
	k.screen("cash")
	for _, n := range []int{200, 100, 50, 20, 10} {
		k.note(n)
	}
	k.screen("done")
	j := k.journal()
	if len(j) != 2 || j[1].Redeemed != money.Rupees(500) || j[1].Stacked != money.Rupees(380) || j[1].PayStatus != billpay.Success {
		t.Errorf("journal %+v", j)
	}
	// The slip is spent: a third visit cannot use it.
	k.press("Home")
	k.toBill("JVVNL", "210555000111")
	k.press("Use a credit slip")
	k.typeText(code)
	if s := k.press("Use this slip"); s.Screen != "creditcode" || !strings.Contains(s.Message, "already been used") {
		t.Errorf("spent slip: screen %q message %q", s.Screen, s.Message)
	}
}

// TestStatusLookupAndSlip looks up a grievance on the built-in status
// sandbox, reads the answer and prints it; a mistyped number is refused
// before any request.
func TestStatusLookupAndSlip(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.press("Check status")
	k.screen("menu")
	k.press("Grievance (Sampark)")
	k.screen("statusref")
	k.typeText("2026-JPR-012345") // one digit short
	if s := k.press("Find"); s.Screen != "statusref" || !strings.Contains(s.Message, "not valid") {
		t.Errorf("short number: screen %q message %q", s.Screen, s.Message)
	}
	k.typeText("6")
	s := k.press("Find")
	if s.Screen != "statusshow" || !containsLabel(s, "Street light not working, ward 23, Sanganer") {
		t.Fatalf("status: screen %q labels %v", s.Screen, s.Labels)
	}
	s = k.press("Print a slip")
	if !containsLabel(s, "The slip is printed. Please take it.") || len(k.receipts()) != 1 {
		t.Errorf("print: labels %v, receipts %v", s.Labels, k.receipts())
	}
	if j := k.journal(); len(j) != 1 || j[0].Kind != "status-print" || j[0].Phase != engine.PhaseDone {
		t.Errorf("journal %+v", j)
	}
}

// TestCertificatePrinted orders a caste certificate on the built-in
// document sandbox, pays the fee and the kiosk's charge in notes, and finds
// the certificate on the (simulated) A4 printer and the receipt on the
// receipt printer; a pending application is refused with its reason.
func TestCertificatePrinted(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.press("Certificates")
	k.screen("menu")
	k.press("Caste")
	k.screen("docref")
	k.typeText("2026110009001") // pending at the SDM
	if s := k.press("Find"); s.Screen != "docref" || !strings.Contains(s.Message, "not decided yet") {
		t.Errorf("pending application: screen %q message %q", s.Screen, s.Message)
	}
	k.press("Clear")
	k.typeText("2026040023456")
	s := k.press("Find")
	if s.Screen != "docshow" || !containsLabel(s, "₹30") {
		t.Fatalf("document: screen %q labels %v", s.Screen, s.Labels)
	}
	k.press("Pay by cash")
	k.screen("cash")
	k.note(20)
	k.note(10)
	s = k.screen("done")
	if !containsLabel(s, "Please take your document from the A4 printer.") {
		t.Errorf("done: labels %v", s.Labels)
	}
	pages, _ := filepath.Glob(filepath.Join(k.state, "a4", "job-*-page-*.png"))
	if len(pages) != 1 || len(k.receipts()) != 1 {
		t.Errorf("A4 pages %v, receipts %v; want one of each", pages, k.receipts())
	}
	if qr := qrOf(t, k.receipts()[0]); !strings.Contains(qr, "|DOC:caste|") {
		t.Errorf("receipt QR %q", qr)
	}
	if j := k.journal(); len(j) != 1 || j[0].Kind != "document-cash" || j[0].PayStatus != billpay.Success {
		t.Errorf("journal %+v", j)
	}
}

// TestPensionLifeCertificate verifies a pensioner on the simulated scanner
// (RD service protocol) against the built-in pension sandbox, and sends a
// pensioner whose fingerprint does not match to the office.
func TestPensionLifeCertificate(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	k.press("Pension verification")
	k.screen("pensionref")
	k.typeText("110120190457")
	s := k.press("Find")
	if s.Screen != "pensioner" || !containsLabel(s, "K**** D*** M****") || containsLabel(s, "Kamla") {
		t.Fatalf("pensioner: screen %q labels %v", s.Screen, s.Labels)
	}
	s = k.press("Verify with your finger")
	if s.Screen != "pensiondone" || !containsLabel(s, "Life certificate accepted") {
		t.Fatalf("verification: screen %q labels %v", s.Screen, s.Labels)
	}
	if qr := qrOf(t, k.receipts()[0]); !strings.HasPrefix(qr, "MITRA-LIFE1|") || !strings.Contains(qr, "|110120190457|SUCCESS|") {
		t.Errorf("slip QR %q", qr)
	}
	k.press("Home")
	k.press("Pension verification")
	k.typeText("130340170212")
	k.press("Find")
	s = k.press("Verify with your finger")
	if s.Screen != "pensiondone" || !containsLabel(s, "did not match") {
		t.Errorf("worn fingerprint: screen %q labels %v", s.Screen, s.Labels)
	}
	j := k.journal()
	if len(j) != 2 || j[0].Kind != "pension-life" || j[0].PayStatus != billpay.Success || j[1].Phase != engine.PhaseCancelled {
		t.Errorf("journal %+v", j)
	}
}

// TestSpokenPrompts: with no sound card (this machine, -sim) the prompts go
// to the audio simulator, state/audio/NNNN.wav: Home's prompt in English,
// then, after the language switch, in Hindi; the speaker button repeats it.
func TestSpokenPrompts(t *testing.T) {
	state := t.TempDir()
	k := startKiosk(t, state)
	k.screen("home")
	k.press("English")
	k.press("हिन्दी")
	k.press("Listen again")
	want := func(lang i18n.Lang) int {
		rec, err := voice.PromptFile(lang, voice.Screens["home"].ID())
		if err != nil {
			t.Fatal(err)
		}
		c, err := speech.Decode(rec)
		if err != nil {
			t.Fatal(err)
		}
		return len(c.Samples)
	}
	// Prompts play in real time, one after another; wait for the last.
	var files []string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		files, _ = filepath.Glob(filepath.Join(state, "audio", "*.wav"))
		if len(files) >= 3 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(files) < 3 {
		t.Fatalf("prompts written: %v", files)
	}
	last := files[len(files)-1]
	f, err := os.Open(last)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := wav.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Samples); n != want(i18n.Hindi) {
		t.Errorf("%s: %d samples, want Home's Hindi prompt (%d samples)", last, n, want(i18n.Hindi))
	}
}

// TestTechnicianMenuWired: the kiosk program hands the configured PIN hash
// to the UI, so the hidden gesture and the PIN open the menu.
func TestTechnicianMenuWired(t *testing.T) {
	hash, err := config.HashPINCost("482913", 10_000)
	if err != nil {
		t.Fatal(err)
	}
	k := startKioskWith(t, t.TempDir(), fmt.Sprintf("technician_pin_hash = %q\n", hash))
	k.screen("home")
	for range 5 {
		if _, code := k.post("/tap", url.Values{"x": {"60"}, "y": {"30"}}); code != 200 {
			t.Fatalf("tap: HTTP %d", code)
		}
	}
	k.screen("techpin")
	for _, d := range "482913" {
		k.press(string(d))
	}
	k.press("Open")
	k.screen("technician")
}
