package ui

import (
	"bytes"
	"go/parser"
	"go/token"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/typeface"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// Each test here proves one workaround for a defect of Fyne v2.7.3's
// embedded driver (../shared/docs/fyne-embedded.md) through the real
// driver.

// toCash drives a harness to the cash screen.
func (h *harness) toCash() {
	h.t.Helper()
	h.press("Pay bills")
	h.press("Electricity")
	h.press("JVVNL")
	h.must("POST", "/type", "text", fakekiosk.RefWithBill)
	h.press("Get bill")
	if s := h.press("Pay by cash"); s.Screen != "cash" {
		h.t.Fatalf("screen %q, want cash", s.Screen)
	}
}

// waitPixels polls the headless framebuffer until it differs from before.
func (h *harness) waitPixels(before *image.RGBA) *image.RGBA {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		now, _ := h.screen.Frame()
		if !bytes.Equal(now.Pix, before.Pix) {
			return now
		}
		if time.Now().After(deadline) {
			h.t.Fatal("the framebuffer did not change within 10 s")
		}
		h.app.d.waitFor(time.Now().Add(50*time.Millisecond), func() bool { return false })
	}
}

// Defect (a): fyne.Do from an engine goroutine never repaints. A note fed
// to the engine directly (no touch, no automation request) must reach the
// framebuffer through OnChange → fyne.Do → the forced repaint.
func TestAsyncUpdateRepaints(t *testing.T) {
	k := fakekiosk.New()
	h := start(t, k, harnessOpts{lang: "en"})
	h.toCash()
	before, _ := h.screen.Frame()
	if err := k.SimInsertNote(money.Rupees(100)); err != nil {
		t.Fatal(err)
	}
	h.waitPixels(before)
	if s := h.state(); !hasLabel(s, "₹1,150") {
		t.Errorf("after an engine-side note: labels %q, want the remaining ₹1,150", s.Labels)
	}
}

// Defect (b): Entry never takes focus, Select panics, pop-ups are not
// tappable. The UI must not use them; the keypad writes into a label and
// the modal layer is part of the content (its buttons are pressed in the
// flow tests). This test fails if a source file starts using them.
func TestNoBrokenWidgets(t *testing.T) {
	banned := []string{"widget.NewEntry", "widget.Entry", "widget.NewSelect", "widget.Select", "widget.NewPopUp",
		"widget.ShowPopUp", "widget.NewModalPopUp", "widget.PopUp", "widget.NewPasswordEntry", "widget.NewMultiLineEntry"}
	files, _ := filepath.Glob("*.go")
	sub, _ := filepath.Glob("*/*.go")
	for _, f := range append(files, sub...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fs := token.NewFileSet()
		file, err := parser.ParseFile(fs, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "fyne.io/fyne/v2/dialog" {
				t.Errorf("%s imports fyne.io/fyne/v2/dialog: dialogs are pop-ups, untappable on the embedded driver", f)
			}
		}
		src, err := readFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range banned {
			if strings.Contains(src, b) {
				t.Errorf("%s uses %s, which is broken on the embedded driver", f, b)
			}
		}
	}
}

// Defect (c): a frame slower than 300 ms between touch down and touch up
// turns a tap into a secondary tap. A press held that long (the driver
// measures the time between processing the two events) must still act.
func TestSlowTapActs(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en"})
	ref, ok := h.app.find("Pay bills")
	if !ok {
		t.Fatal("no Pay bills tile")
	}
	x, y := ref.x+ref.w/2, ref.y+ref.h/2
	h.input <- InputEvent{Kind: TouchDown, X: x, Y: y}
	// The stimulus: the up comes 350 ms after the down, as after a slow
	// frame on an ARM board.
	time.Sleep(350 * time.Millisecond)
	h.input <- InputEvent{Kind: TouchUp, X: x, Y: y}
	deadline := time.Now().Add(10 * time.Second)
	for s := h.state(); s.Screen != "bills"; s = h.state() {
		if time.Now().After(deadline) {
			t.Fatalf("a 350 ms press left the screen at %q, want bills", s.Screen)
		}
		h.app.d.settle(time.Second)
	}
}

// The input path drops touch moves under 4 px: each would cost a full
// repaint, and a kiosk has nothing to drag.
func TestSmallMovesDropped(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en", size: image.Pt(1280, 800)})
	tests := []struct {
		name   string
		moves  [][2]float32
		frames uint64 // rendered for down, moves and up
	}{
		{"jitter", [][2]float32{{1, 0}, {2, 1}, {3, 3}, {0, 2}}, 2},
		{"a real move", [][2]float32{{1, 0}, {12, 0}}, 3},
	}
	for _, tt := range tests {
		// On the blank top-left corner: nothing there reacts.
		const x, y = 5, 790
		before := h.app.d.frameCount()
		h.input <- InputEvent{Kind: TouchDown, X: x, Y: y}
		for _, m := range tt.moves {
			h.input <- InputEvent{Kind: TouchMove, X: x + m[0], Y: y - m[1]}
		}
		h.input <- InputEvent{Kind: TouchUp, X: x, Y: y}
		// The forwarder runs on its own goroutine: wait for the up's frame,
		// then a barrier (one more frame) behind everything it queued.
		h.app.d.waitFor(time.Now().Add(10*time.Second), func() bool { return h.app.d.frames >= before+tt.frames })
		h.app.d.settle(10 * time.Second)
		if got := h.app.d.frameCount() - before - 1; got != tt.frames {
			t.Errorf("%s: %d frames rendered, want %d", tt.name, got, tt.frames)
		}
	}
}

// Defect (d): the locale is fixed to "en"; the UI has its own catalogues,
// every key in both languages, and the switch keeps the place.
func TestLanguageSwitchKeepsPlace(t *testing.T) {
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("missing translations: %v", m)
	}
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi"})
	h.press("Pay bills")
	h.press("Electricity")
	h.press("JVVNL")
	h.must("POST", "/type", "text", "1234")
	s := h.press("Get bill")
	if !strings.Contains(s.Message, "12 अंक") {
		t.Fatalf("message %q, want the Hindi 12-digit hint", s.Message)
	}
	s = h.press("English")
	if s.Screen != "knumber" || s.Lang != "en" || !strings.Contains(s.Message, "Enter 12 digits") || !hasLabel(s, "1234") {
		t.Errorf("after English: screen %q lang %q message %q labels %q; want the same place, in English", s.Screen, s.Lang, s.Message, s.Labels)
	}
	s = h.press("हिन्दी")
	if s.Screen != "knumber" || s.Lang != "hi" || !hasLabel(s, "के-नंबर") {
		t.Errorf("after हिन्दी: screen %q lang %q labels %q", s.Screen, s.Lang, s.Labels)
	}
}

// Every rune a citizen can see is in the embedded fonts (Noto Sans
// Devanagari, the theme font, or Noto Sans, Fyne's fallback): Fyne would
// otherwise go looking in the system's fonts, which an appliance has none
// of.
func TestGlyphCoverage(t *testing.T) {
	var faces []*font.Face
	for _, b := range [][]byte{typeface.DevanagariRegular, typeface.DevanagariBold, typeface.LatinRegular, typeface.LatinBold} {
		f, err := font.ParseTTF(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		faces = append(faces, f)
	}
	covered := func(r rune) bool {
		if r == ' ' || r == '\u200c' || r == '\u200d' {
			return true
		}
		for _, f := range faces {
			if _, ok := f.NominalGlyph(r); ok {
				return true
			}
		}
		return false
	}
	var texts []string
	for _, k := range i18n.Keys() {
		for _, l := range i18n.Langs {
			texts = append(texts, i18n.T(l, k))
		}
	}
	for _, b := range fakekiosk.Billers {
		texts = append(texts, b.Name, b.NameHi, b.RefLabel, b.RefLabelHi)
	}
	texts = append(texts, uiGlyphs...)
	for _, s := range texts {
		for _, r := range s {
			if !covered(r) {
				t.Errorf("%q (U+%04X) in %q is in none of the embedded fonts", r, r, s)
			}
		}
	}
}

// Devanagari is shaped: conjuncts and the reordered matra make "क्षत्रिय"
// narrower than its characters drawn one by one.
func TestDevanagariShaped(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi"})
	_ = h
	for _, word := range []string{"क्षत्रिय", "प्रमाण पत्र"} {
		var shaped, isolated float32
		fyne.DoAndWait(func() {
			shaped = fyne.MeasureText(word, 30, fyne.TextStyle{}).Width
			for _, r := range word {
				isolated += fyne.MeasureText(string(r), 30, fyne.TextStyle{}).Width
			}
		})
		if !(shaped < isolated*0.9) {
			t.Errorf("%s: shaped width %.1f, isolated glyphs %.1f; want the shaped text clearly narrower", word, shaped, isolated)
		}
	}
}

func readFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	return string(b), err
}

// TestDoubleTapPaysOnce: an impatient citizen taps "Pay by cash" three
// times in a row, through the touchscreen's queue, while the screen is
// changing: one payment begins, and the taps that land on the cash screen
// (where that spot is empty) do nothing.
func TestDoubleTapPaysOnce(t *testing.T) {
	k := fakekiosk.New()
	h := start(t, k, harnessOpts{lang: "en", size: image.Pt(1280, 800)})
	h.press("Pay bills")
	h.press("Electricity")
	h.press("JVVNL")
	h.must("POST", "/type", "text", fakekiosk.RefWithBill)
	h.press("Get bill")
	ref, ok := h.app.find("Pay by cash")
	if !ok {
		t.Fatal("no Pay by cash button")
	}
	x, y := ref.x+ref.w/2, ref.y+ref.h/2
	for range 3 {
		h.input <- InputEvent{Kind: TouchDown, X: x, Y: y}
		h.input <- InputEvent{Kind: TouchUp, X: x, Y: y}
	}
	h.app.d.settle(settleTimeout)
	if s := h.waitScreen("cash"); s.Screen != "cash" {
		t.Fatalf("screen %q", s.Screen)
	}
	if n := k.Payments(); n != 1 {
		t.Fatalf("%d payments begun by a triple tap, want 1", n)
	}
}
