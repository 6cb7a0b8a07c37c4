package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

func (h *harness) tapAt(x, y string) State {
	h.t.Helper()
	return h.must("POST", "/tap", "x", x, "y", y)
}

// TestTechnicianMenu: five quick taps on the kiosk name and the PIN open
// the menu; anything less, or a wrong PIN, does not; three wrong PINs lock
// it.
func TestTechnicianMenu(t *testing.T) {
	hash, err := goldenHash()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en", pinHash: hash})
	for range 4 {
		h.tapAt("60", "30")
	}
	if s := h.state(); s.Screen != "home" {
		t.Fatalf("four taps opened %q", s.Screen)
	}
	s := h.tapAt("60", "30")
	if s.Screen != "techpin" {
		t.Fatalf("five taps: screen %q, want techpin", s.Screen)
	}
	h.must("POST", "/type", "text", "111111")
	if s = h.press("Open"); s.Screen != "techpin" || s.Message != "Wrong PIN" {
		t.Errorf("wrong PIN: screen %q message %q", s.Screen, s.Message)
	}
	h.must("POST", "/type", "text", "482913")
	s = h.press("Open")
	if s.Screen != "technician" || !hasLabel(s, "FAULT receipt printer: out of paper") || !hasLabel(s, "Reprint T-0001") {
		t.Fatalf("menu: screen %q labels %q", s.Screen, s.Labels)
	}
	if s = h.press("Exit to Home"); s.Screen != "home" {
		t.Errorf("exit: %q", s.Screen)
	}
	// Three wrong PINs lock the menu, even for the right one.
	for range 5 {
		h.tapAt("60", "30")
	}
	for range 3 {
		h.must("POST", "/type", "text", "000000")
		h.press("Open")
	}
	h.must("POST", "/type", "text", "482913")
	if s = h.press("Open"); s.Screen != "techpin" {
		t.Errorf("locked menu opened: %q", s.Screen)
	}
}

// Without a configured PIN the gesture does nothing.
func TestNoTechnicianMenuWithoutPIN(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en"})
	for range 6 {
		h.tapAt("60", "30")
	}
	if s := h.state(); s.Screen != "home" {
		t.Errorf("screen %q", s.Screen)
	}
}

func TestSecretGestureTiming(t *testing.T) {
	var g secretGesture
	t0 := time.Unix(1000, 0)
	// Five taps a second apart do not fit in three seconds.
	for i := range 5 {
		if g.tap(50, 20, t0.Add(time.Duration(i)*time.Second), 3*time.Second) {
			t.Fatalf("slow taps opened the menu at tap %d", i+1)
		}
	}
	// A tap elsewhere starts over.
	var h secretGesture
	for i := range 4 {
		h.tap(50, 20, t0.Add(time.Duration(i)*100*time.Millisecond), 3*time.Second)
	}
	if h.tap(700, 400, t0.Add(500*time.Millisecond), 3*time.Second) || h.tap(50, 20, t0.Add(600*time.Millisecond), 3*time.Second) {
		t.Error("a tap outside the corner did not reset the count")
	}
	// Five quick taps do.
	var k secretGesture
	opened := false
	for i := range 5 {
		opened = k.tap(50, 20, t0.Add(time.Duration(i)*200*time.Millisecond), 3*time.Second)
	}
	if !opened {
		t.Error("five quick taps did not open the menu")
	}
}

// TestUpdateFromUSBButton: the technician menu's USB update runs the
// installer and shows its report, or its refusal.
func TestUpdateFromUSBButton(t *testing.T) {
	hash, err := goldenHash()
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	refuse := true
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en", pinHash: hash, usbUpdate: func(context.Context) (string, error) {
		calls++
		if refuse {
			return "", errors.New("update: signature does not verify with the fleet key; nothing was written")
		}
		return `installed "good-kiosk" to root B`, nil
	}})
	for range 5 {
		h.tapAt("60", "30")
	}
	h.must("POST", "/type", "text", "482913")
	h.press("Open")
	s := h.press("Update from USB stick")
	if calls != 1 || !hasLabel(s, "USB update refused") || !hasLabel(s, "update: signature does not verify with the fleet key; nothing was written") {
		t.Fatalf("refused update: %d calls, labels %q", calls, s.Labels)
	}
	h.press("OK")
	refuse = false
	s = h.press("Update from USB stick")
	if calls != 2 || !hasLabel(s, `installed "good-kiosk" to root B`) {
		t.Fatalf("installed update: labels %q", s.Labels)
	}
}

// TestTechnicianKeyboard: a USB keyboard types the PIN (digits, BackSpace,
// Return) and leaves the menu (Escape), through the real input path; on a
// citizen screen the same keys do nothing.
func TestTechnicianKeyboard(t *testing.T) {
	hash, err := goldenHash()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en", pinHash: hash})
	keys := func(k ...string) {
		for _, name := range k {
			h.input <- InputEvent{Kind: KeyDown, Key: name}
		}
	}
	typed := func(s string) {
		for _, r := range s {
			h.input <- InputEvent{Kind: Rune, Rune: r}
		}
	}
	tapLabel := func(label string) {
		t.Helper()
		ref, ok := h.app.find(label)
		if !ok {
			t.Fatalf("no %q on the screen", label)
		}
		x, y := ref.x+ref.w/2, ref.y+ref.h/2
		h.input <- InputEvent{Kind: TouchDown, X: x, Y: y}
		h.input <- InputEvent{Kind: TouchUp, X: x, Y: y}
	}
	gesture := func() {
		t.Helper()
		for range 5 {
			h.tapAt("60", "30")
		}
		h.waitScreen("techpin")
	}
	waitPIN := func(stars int) {
		t.Helper()
		want := strings.Repeat("*", stars) + strings.Repeat("_", max(0, 6-stars))
		deadline := time.Now().Add(10 * time.Second)
		for !hasLabel(h.state(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("PIN display %q never shown: %q", want, h.state().Labels)
			}
			h.app.d.settle(time.Second)
		}
	}

	// A citizen screen ignores every key. The tap that follows them is
	// handled after them (one input queue): it must find the screen
	// unchanged, so it opens the electricity billers.
	h.press("Pay bills")
	keys("Escape", "BackSpace", "Return", "F5", "Delete", "Tab")
	typed("482913\n")
	tapLabel("Electricity")
	h.waitScreen("biller")
	h.press("Cancel")
	h.waitScreen("home")

	gesture()
	typed("48291")
	waitPIN(5)
	keys("BackSpace")
	waitPIN(4)
	typed("x9") // letters are not PIN digits
	waitPIN(5)
	keys("BackSpace")
	typed("13")
	waitPIN(6)
	keys("Return")
	if s := h.waitScreen("technician"); !hasLabel(s, "Reprint T-0001") {
		t.Errorf("menu labels %q", s.Labels)
	}
	keys("Escape")
	h.waitScreen("home")

	// Escape on the PIN screen goes back to where the gesture was made.
	h.press("Pay bills")
	gesture()
	keys("Escape")
	h.waitScreen("bills")
}
