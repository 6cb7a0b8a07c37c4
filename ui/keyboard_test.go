package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mitra-kiosk/mitra/appliance/typeface"
	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// press plans for InScript: "+" before a key means Shift first.
var inscriptPlans = map[string][]string{
	"प्रमाण पत्र": {"प", "्", "र", "म", "ा", "+ण", "Space", "प", "त", "्", "र"},
	"क्षत्रिय":    {"+क्ष", "त", "्", "र", "ि", "य"},
	// The same conjunct typed key by key: क ् ष.
	"क्षत्र": {"क", "्", "+ष", "त", "्", "र"},
}

// TestHindiKeyboard types through the InScript key tiles, as a citizen
// taps them, and checks the text and that it shapes without missing
// glyphs, conjuncts formed.
func TestHindiKeyboard(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi"})
	h.press("सहायता")
	if s := h.state(); s.Screen != "search" {
		t.Fatalf("Help opened %q", s.Screen)
	}
	for want, plan := range inscriptPlans {
		for range 20 {
			h.press("Backspace")
		}
		for _, k := range plan {
			if strings.HasPrefix(k, "+") {
				h.press("Shift")
				k = k[1:]
			}
			h.press(k)
		}
		s := h.state()
		if !hasLabel(s, want) {
			t.Errorf("typed %q; labels %q", want, s.Labels)
		}
		l, err := typeface.Shape(want, 32, false)
		if err != nil || l.Missing() != 0 || l.Glyphs() >= utf8.RuneCountInString(want) {
			t.Errorf("%q shapes to %d glyphs, %d missing (%v); want fewer glyphs than runes, none missing", want, l.Glyphs(), l.Missing(), err)
		}
	}
	// Backspace removes one code point: प्र → प् → प.
	for range 20 {
		h.press("Backspace")
	}
	for _, k := range []string{"प", "्", "र"} {
		h.press(k)
	}
	h.press("Backspace")
	if s := h.state(); !hasLabel(s, "प्") {
		t.Errorf("after one backspace: %q", s.Labels)
	}
}

// TestSearchFindsServices: typing part of a name in either script finds
// the service, and a hit opens it.
func TestSearchFindsServices(t *testing.T) {
	h := start(t, fakekiosk.New(), harnessOpts{lang: "en"})
	h.press("Help")
	h.must("POST", "/type", "text", "CASTE")
	s := h.state()
	if !hasLabel(s, "जाति Caste") {
		t.Fatalf("search CASTE: %q", s.Labels)
	}
	// The fake has no document back-end: the hit says so, honestly.
	if s = h.press("Caste"); !hasLabel(s, "This service is not available at this kiosk yet.") {
		t.Errorf("hit: screen %q labels %q", s.Screen, s.Labels)
	}
	h.press("OK")
	if got := searchServices("पेंशन"); len(got) == 0 || got[0].key != "svc.pension" {
		t.Errorf("पेंशन found %+v", got)
	}
	if got := searchServices("zzz"); len(got) != 0 {
		t.Errorf("zzz found %+v", got)
	}
	// Overlong input stops at the limit; emoji have no key and are refused.
	for range 50 {
		h.press("A")
	}
	if s := h.state(); !hasLabel(s, "CASTE"+strings.Repeat("A", maxText-5)) {
		t.Errorf("overlong input not held at %d characters: %q", maxText, s.Labels)
	}
	if code, _ := h.call("POST", "/type", map[string][]string{"text": {"😀"}}); code != 422 {
		t.Errorf("emoji typed: %d, want 422", code)
	}
}
