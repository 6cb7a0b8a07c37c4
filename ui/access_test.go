package ui

import (
	"image"
	"image/color"
	"slices"
	"sync"
	"testing"

	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// recordingVoice is a Voice that records what it was asked to do.
type recordingVoice struct {
	mu      sync.Mutex
	said    []string // "lang/key"
	repeats int
	level   int
	on      bool
}

func (v *recordingVoice) Say(lang, key string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.on {
		v.said = append(v.said, lang+"/"+key)
	}
}

func (v *recordingVoice) Repeat() { v.mu.Lock(); v.repeats++; v.mu.Unlock() }

func (v *recordingVoice) Volume(d int) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.level = min(10, max(0, v.level+d))
	return v.level
}

func (v *recordingVoice) SetEnabled(on bool) { v.mu.Lock(); v.on = on; v.mu.Unlock() }
func (v *recordingVoice) Enabled() bool      { v.mu.Lock(); defer v.mu.Unlock(); return v.on }

func (v *recordingVoice) last() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.said) == 0 {
		return ""
	}
	return v.said[len(v.said)-1]
}

// TestVoicePrompts walks a bill payment: each screen speaks its prompt once
// in the language shown, a language switch speaks it again in the other,
// the speaker button repeats, and the options panel turns speech off.
func TestVoicePrompts(t *testing.T) {
	v := &recordingVoice{level: 5}
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi", voice: v, attract: true})
	if got := v.last(); got != "hi/attract" {
		t.Fatalf("attract screen said %q", got)
	}
	h.press("Touch to start")
	if got := v.last(); got != "hi/home" {
		t.Fatalf("home said %q", got)
	}
	n := len(v.said)
	h.app.do(func() { h.app.render() }) // a repaint of the same screen
	h.app.d.settle(settleTimeout)
	if len(v.said) != n {
		t.Fatalf("a repaint spoke again: %v", v.said[n:])
	}
	h.press("English")
	if got := v.last(); got != "en/home" {
		t.Fatalf("after the language switch: %q", got)
	}
	h.press("Pay bills")
	if got := v.last(); got != "en/bills" {
		t.Fatalf("bills said %q", got)
	}
	h.press("Listen again")
	if v.repeats != 1 {
		t.Fatalf("speaker button: %d repeats", v.repeats)
	}
	h.press("Seeing and hearing options")
	if got := v.last(); got != "en/access" {
		t.Fatalf("options panel said %q", got)
	}
	h.press("Louder")
	if v.level != 6 {
		t.Fatalf("Louder: level %d", v.level)
	}
	h.wantLabel(h.state(), "Volume: 6 of 10")
	h.press("Quieter")
	h.press("Quieter")
	h.wantLabel(h.state(), "Volume: 4 of 10")
	h.press("Spoken help") // off
	h.press("OK")
	n = len(v.said)
	h.press("Electricity")
	if len(v.said) != n {
		t.Fatalf("spoke with speech off: %v", v.said[n:])
	}
	// The next citizen starts with the kiosk's settings: speech on.
	h.press("Cancel")
	if !v.Enabled() {
		t.Fatal("speech stayed off for the next citizen")
	}
}

// TestLargeTextAndContrast: the options panel scales text and swaps the
// palette on every screen; the next citizen starts from the defaults.
func TestLargeTextAndContrast(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en", size: image.Pt(1280, 800)})
	size := func() float32 {
		got := make(chan float32, 1)
		h.app.do(func() { got <- kt.TextScale })
		return <-got
	}
	if s := size(); s != 1 {
		t.Fatalf("text scale %v at start", s)
	}
	before := h.app.d.snapshot()
	h.press("Seeing and hearing options")
	h.wantLabel(h.state(), "This kiosk has no sound") // no Voice configured
	h.press("Large text")
	h.press("High contrast")
	h.press("OK")
	if s := size(); s != kt.LargeTextScale {
		t.Fatalf("text scale %v after Large text", s)
	}
	after := h.app.d.snapshot()
	// The page background is the high-contrast one.
	if c := after.RGBAAt(640, 790); (c.R | c.G | c.B) != 0 {
		t.Fatalf("background %v in high contrast", c)
	}
	if c := before.RGBAAt(640, 790); (c.R | c.G | c.B) == 0 {
		t.Fatalf("background %v before high contrast", c)
	}
	// Tiles stay on the screen and at least 44 px in large text.
	h.checkInside("home large", image.Pt(1280, 800))
	h.press("Pay bills")
	h.checkInside("bills large", image.Pt(1280, 800))
	h.press("Cancel")
	bg := make(chan color.NRGBA, 1)
	h.app.do(func() { bg <- kt.Background })
	if <-bg != kt.Standard.Background || size() != 1 {
		t.Fatal("the next citizen inherited large text / high contrast")
	}
	labels := h.state().Labels
	if !slices.Contains(labels, "अA") {
		t.Fatalf("options button missing from %v", labels)
	}
}
