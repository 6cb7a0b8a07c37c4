package ui

import (
	"image"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// TestPayElectricityBillByCash walks the whole walking-skeleton flow the way
// a citizen does, in Hindi, through the automation endpoint (which taps
// through the same input queue as the touchscreen), and checks every screen.
func TestPayElectricityBillByCash(t *testing.T) {
	k := fakekiosk.New()
	h := start(t, k, harnessOpts{lang: "hi", attract: true})

	// The idle kiosk invites: services and opening hours, no session.
	s := h.state()
	if s.Screen != "attract" || s.Lang != "hi" || s.SessionID != "" {
		t.Fatalf("start: screen %q lang %q session %q, want attract, hi, no session", s.Screen, s.Lang, s.SessionID)
	}
	h.wantLabel(s, "खुलने का समय")
	h.wantLabel(s, "पेंशन सत्यापन  /  Pension verification")
	s = h.press("शुरू करने के लिए छुएं")
	if s.Screen != "home" || s.SessionID == "" {
		t.Fatalf("after the touch: screen %q session %q, want home in a session", s.Screen, s.SessionID)
	}
	h.wantLabel(s, "बिल भुगतान")
	h.wantLabel(s, "हिन्दी")
	h.wantLabel(s, "English")

	// English labels work while the UI is in Hindi.
	s = h.press("Pay bills")
	if s.Screen != "bills" || s.SessionID == "" {
		t.Fatalf("after Pay bills: screen %q session %q, want bills and a session", s.Screen, s.SessionID)
	}
	h.wantLabel(s, "चरण 1 / 5")

	s = h.press("Electricity")
	if s.Screen != "biller" {
		t.Fatalf("after Electricity: screen %q, want biller", s.Screen)
	}
	for _, b := range fakekiosk.Billers {
		h.wantLabel(s, b.ID)
		h.wantLabel(s, b.NameHi)
	}

	s = h.press("JVVNL")
	if s.Screen != "knumber" {
		t.Fatalf("after JVVNL: screen %q, want knumber", s.Screen)
	}
	h.wantLabel(s, "के-नंबर")

	// Too short: a clear message, nothing fetched.
	s = h.must("POST", "/type", "text", "21012345")
	h.wantLabel(s, "2101 2345 ____")
	s = h.press("Get bill")
	if s.Screen != "knumber" || !strings.Contains(s.Message, "12 अंक") {
		t.Fatalf("short K-number: screen %q message %q, want knumber and the 12-digit hint", s.Screen, s.Message)
	}

	// Clear, then a number with nothing due.
	h.press("Clear")
	h.must("POST", "/type", "text", fakekiosk.RefNoBill)
	s = h.press("आगे")
	if s.Screen != "knumber" || !strings.Contains(s.Message, "बकाया बिल नहीं") {
		t.Fatalf("no-bill K-number: screen %q message %q", s.Screen, s.Message)
	}

	// Backspace twelve times empties the field; the right number fetches.
	for range 12 {
		h.press("Backspace")
	}
	s = h.must("POST", "/type", "text", fakekiosk.RefWithBill)
	h.wantLabel(s, "2101 2345 6789")
	s = h.press("Get bill")
	if s.Screen != "bill" {
		t.Fatalf("after Get bill: screen %q message %q, want bill", s.Screen, s.Message)
	}
	h.wantLabel(s, "R***** K****")
	h.wantLabel(s, "B-2026-11-0042")
	h.wantLabel(s, "05-12-2026")
	h.wantLabel(s, "₹1,240")
	h.wantLabel(s, "₹10")
	h.wantLabel(s, "₹1,250")

	s = h.press("Pay by cash")
	if s.Screen != "cash" || s.TxnID == "" || s.TxnState != string(engine.PhaseInserting) {
		t.Fatalf("after Pay by cash: screen %q txn %q state %q", s.Screen, s.TxnID, s.TxnState)
	}
	h.wantLabel(s, "SIMULATOR")
	h.savePNG(t.TempDir() + "/cash.png")

	// The counter counts up live from OnChange.
	s = h.press("₹500")
	h.wantLabel(s, "₹500") // inserted
	h.wantLabel(s, "₹750") // remaining
	s = h.must("POST", "/sim/note", "rupees", "500")
	h.wantLabel(s, "₹1,000")
	h.wantLabel(s, "₹250")

	// ₹500 more is too much: the citizen decides; returning it keeps paying.
	s = h.press("₹500")
	if s.TxnState != string(engine.PhaseOverpay) {
		t.Fatalf("overpaying note: txn state %q, want overpay", s.TxnState)
	}
	h.wantLabel(s, "₹250 क्रेडिट पर्ची में लें")
	s = h.press("Return note")
	if s.TxnState != string(engine.PhaseInserting) {
		t.Fatalf("after Return note: txn state %q, want inserting", s.TxnState)
	}
	h.press("₹200")
	h.must("POST", "/sim/note", "rupees", "50")
	s = h.waitScreen("done")
	h.wantLabel(s, "धन्यवाद")
	h.wantLabel(s, "BBPS-"+s.TxnID)

	// Switch language on the outcome screen: same place, English.
	s = h.press("English")
	if s.Screen != "done" || s.Lang != "en" {
		t.Fatalf("language switch: screen %q lang %q, want done, en", s.Screen, s.Lang)
	}
	h.wantLabel(s, "Thank you")

	s = h.press("Home")
	if s.Screen != "home" || s.SessionID != "" {
		t.Fatalf("after Home: screen %q session %q, want home and no session", s.Screen, s.SessionID)
	}
	if begun, ended := k.Sessions(); begun != 1 || ended != 1 {
		t.Errorf("sessions begun %d ended %d, want 1 and 1", begun, ended)
	}
}

// TestCashOutcomes checks the endings of a cash payment: cancelled with
// nothing inserted, cancelled after notes (credit slip), overpay kept as
// credit, and a receipt the printer could not print.
func TestCashOutcomes(t *testing.T) {
	k := fakekiosk.New()
	h := start(t, k, harnessOpts{lang: "en"})
	toCash := func() {
		t.Helper()
		h.press("Pay bills")
		h.press("Electricity")
		h.press("AVVNL")
		h.must("POST", "/type", "text", fakekiosk.RefWithBill)
		h.press("Next")
		if s := h.press("Pay by cash"); s.Screen != "cash" {
			t.Fatalf("screen %q, want cash", s.Screen)
		}
	}
	tests := []struct {
		name    string
		actions func()
		screen  string
		want    []string
	}{
		{"cancel before any note", func() { h.press("Cancel") }, "cancelled", []string{"Nothing was charged"}},
		{"cancel after a note", func() { h.press("₹100"); h.press("Cancel") }, "credited", []string{"credit slip for ₹100"}},
		{"keep excess as credit", func() {
			h.press("₹2000")
			h.press("Keep ₹750 as credit slip")
		}, "done", []string{"Thank you", "credit slip for ₹750"}},
		{"printer down", func() {
			k.PrinterOut = true
			h.press("₹2000")
			h.press("Return note")
			h.press("₹500")
			h.press("₹500")
			h.press("₹200")
			h.must("POST", "/sim/note", "rupees", "50")
		}, "done", []string{"receipt could not be printed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toCash()
			tt.actions()
			s := h.waitScreen(tt.screen)
			for _, w := range tt.want {
				h.wantLabel(s, w)
			}
			if s := h.press("Home"); s.Screen != "home" {
				t.Fatalf("after Home: screen %q", s.Screen)
			}
		})
	}
	if _, ended := k.Sessions(); ended != len(tests) {
		t.Errorf("sessions ended = %d, want %d", ended, len(tests))
	}
}

// TestFetchErrors maps each billpay error to its citizen message.
func TestFetchErrors(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en"})
	h.press("Pay bills")
	h.press("Electricity")
	h.press("JdVVNL")
	tests := []struct {
		ref, want string
	}{
		{"123", "Enter 12 digits"},
		{fakekiosk.RefNoBill, "No bill is due"},
		{fakekiosk.RefGatewayErr, "Nothing was charged"},
	}
	for _, tt := range tests {
		h.press("Clear")
		h.must("POST", "/type", "text", tt.ref)
		s := h.press("Get bill")
		if s.Screen != "knumber" || !strings.Contains(s.Message, tt.want) {
			t.Errorf("K-number %s: screen %q message %q, want knumber and %q", tt.ref, s.Screen, s.Message, tt.want)
		}
	}
	// Back and Cancel on every step.
	if s := h.press("Back"); s.Screen != "biller" {
		t.Errorf("Back from ref: screen %q, want biller", s.Screen)
	}
	if s := h.press("Cancel"); s.Screen != "home" || s.SessionID != "" {
		t.Errorf("Cancel: screen %q session %q, want home, none", s.Screen, s.SessionID)
	}
}

// TestUnavailable: tiles of services this kiosk does not offer say so, and
// a bill category with no billers says so; neither shows made-up data.
func TestUnavailable(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en"})
	s := h.press("Pension verification")
	if s.Screen != "home" {
		t.Fatalf("screen %q, want home with a notice", s.Screen)
	}
	h.wantLabel(s, "not available at this kiosk yet")
	h.press("OK")
	// The fake kiosk has no document or status back-end: the menus open,
	// and choosing a document says it cannot be had here.
	for _, c := range []struct{ group, item string }{{"Certificates", "Caste"}, {"Check status", "Court case"}} {
		if s = h.press(c.group); s.Screen != "menu" {
			t.Fatalf("%s: screen %q, want its menu", c.group, s.Screen)
		}
		s = h.press(c.item)
		if s.Screen != "menu" {
			t.Errorf("%s: screen %q, want the menu with a notice", c.item, s.Screen)
		}
		h.wantLabel(s, "not available at this kiosk yet")
		h.press("OK")
		h.press("Back")
	}
	h.press("Pay bills")
	s = h.press("Water")
	h.wantLabel(s, "cannot be paid at this kiosk yet")
	if s.Screen != "bills" {
		t.Errorf("screen %q, want bills", s.Screen)
	}
}

// TestRecoveredNotice shows start-up outcomes to the first citizen, in the
// current language.
func TestRecoveredNotice(t *testing.T) {
	k := fakekiosk.New()
	k.Outcomes = []engine.Outcome{{TxnID: "T-0007", Phase: engine.PhaseCredited, Amount: money.Rupees(500),
		Credit: &engine.CreditSlip{ID: "C-T-0007", TxnID: "T-0007", Amount: money.Rupees(500)}, Summary: "credited"}}
	h := start(t, k, harnessOpts{lang: "hi", size: image.Pt(1280, 800)})
	s := h.state()
	h.wantLabel(s, "₹500 की क्रेडिट पर्ची")
	s = h.press("English")
	h.wantLabel(s, "credit slip for ₹500 was printed (transaction T-0007)")
	// The modal covers the tiles: only its own button can be pressed, and
	// a touch on a tile under it does nothing.
	if code, _ := h.call("POST", "/press", url.Values{"text": {"Pay bills"}}); code != http.StatusNotFound {
		t.Errorf("press under the modal = %d, want 404", code)
	}
	if s := h.must("POST", "/tap", "x", "180", "y", "300"); s.Screen != "home" || !hasLabel(s, "T-0007") {
		t.Errorf("tap on a tile under the modal: screen %q labels %q, want home with the notice", s.Screen, s.Labels)
	}
	if s := h.press("OK"); hasLabel(s, "T-0007") {
		t.Errorf("notice still shown after OK: %q", s.Labels)
	}
}

// TestAutomationRequests checks the endpoint's answers to bad requests.
func TestAutomationRequests(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi", size: image.Pt(1280, 800)})
	tests := []struct {
		method, path string
		q            url.Values
		want         int
	}{
		{"POST", "/press", url.Values{"text": {"No such button"}}, http.StatusNotFound},
		{"POST", "/press", nil, http.StatusBadRequest},
		{"POST", "/tap", url.Values{"x": {"-1"}, "y": {"10"}}, http.StatusBadRequest},
		{"POST", "/tap", url.Values{"x": {"abc"}}, http.StatusBadRequest},
		{"POST", "/type", url.Values{"text": {"12"}}, http.StatusUnprocessableEntity}, // no keypad on Home
		{"POST", "/sim/note", url.Values{"rupees": {"500"}}, http.StatusConflict},     // no payment
		{"POST", "/sim/note", url.Values{"rupees": {"x"}}, http.StatusBadRequest},
		{"GET", "/tap", nil, http.StatusMethodNotAllowed},
		{"GET", "/screen.png", nil, http.StatusOK},
	}
	for _, tt := range tests {
		if code, body := h.call(tt.method, tt.path, tt.q); code != tt.want {
			t.Errorf("%s %s?%s = %d %s, want %d", tt.method, tt.path, tt.q.Encode(), code, body, tt.want)
		}
	}
	// A tap at a tile's centre by coordinates works like /press.
	s := h.must("POST", "/tap", "x", "180", "y", "300")
	if s.Screen != "bills" {
		t.Errorf("tap on the first tile: screen %q, want bills", s.Screen)
	}
	// On the keypad, a letter has no key.
	h.press("Electricity")
	h.press("JVVNL")
	if code, _ := h.call("POST", "/type", url.Values{"text": {"12a"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("type 12a = %d, want 422", code)
	}
}

// TestAutomationToken: with a token, requests without it are refused.
func TestAutomationToken(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{token: "s3cret"})
	h.token = ""
	if code, _ := h.call("GET", "/state", nil); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	h.token = "wrong"
	if code, _ := h.call("GET", "/state", nil); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	h.token = "s3cret"
	if s := h.state(); s.Screen != "home" {
		t.Errorf("right token: screen %q", s.Screen)
	}
}

// TestSimNoteOnRealHardware: no sim panel and 404 without a simulator.
func TestSimNoteOnRealHardware(t *testing.T) {
	k := fakekiosk.New()
	k.Notes = nil
	h := start(t, k, harnessOpts{lang: "en"})
	h.press("Pay bills")
	h.press("Electricity")
	h.press("JVVNL")
	h.must("POST", "/type", "text", fakekiosk.RefWithBill)
	h.press("Get bill")
	s := h.press("Pay by cash")
	if hasLabel(s, "SIMULATOR") {
		t.Errorf("sim panel shown without a simulator: %q", s.Labels)
	}
	if code, _ := h.call("POST", "/sim/note", url.Values{"rupees": {"500"}}); code != http.StatusNotFound {
		t.Errorf("sim/note = %d, want 404", code)
	}
}

// TestTimeouts: an outcome screen returns to Home by itself, and an idle
// session is warned about, then ended.
func TestTimeouts(t *testing.T) {
	k := fakekiosk.New()
	h := start(t, k, harnessOpts{lang: "en", doneAfter: 300 * time.Millisecond, idle: 4 * time.Second, warn: 2 * time.Second})
	h.toCash()
	h.press("Cancel")
	h.waitScreen("home")
	if _, ended := k.Sessions(); ended != 1 {
		t.Errorf("after the outcome timeout: %d sessions ended, want 1", ended)
	}

	h.press("Pay bills")
	deadline := time.Now().Add(20 * time.Second)
	for s := h.state(); !hasLabel(s, "Are you still there?"); s = h.state() {
		if time.Now().After(deadline) {
			t.Fatalf("no idle warning within 20 s; labels %q", s.Labels)
		}
		h.app.d.settle(time.Second)
	}
	s := h.waitScreen("attract")
	if s.SessionID != "" {
		t.Errorf("after the idle timeout: session %q, want none", s.SessionID)
	}
}
