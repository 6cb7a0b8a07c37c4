package voice

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/ui/i18n"
)

// citizenScreens are the screens a citizen sees (ui/screens.go render,
// ui/flows.go flowScreen, ui/pension.go pensionScreen, and the outcome
// screens named by engine phases). The technician's screens are not here.
var citizenScreens = []string{
	"attract", "home", "menu", "search",
	"bills", "biller", "knumber", "bill", "cash", "creditcode",
	"statusopt", "docref", "statusref", "docshow", "statusshow",
	"pensionref", "pensioner", "pensiondone",
	"done", "cancelled", "credited", "acknowledged",
}

func TestEveryScreenHasPrompt(t *testing.T) {
	for _, s := range citizenScreens {
		p, voiced := Screens[s]
		why, unvoiced := Unvoiced[s]
		switch {
		case voiced && unvoiced:
			t.Errorf("screen %q is in Screens and in Unvoiced (%s)", s, why)
		case !voiced && !unvoiced:
			t.Errorf("screen %q has no prompt and no reason in Unvoiced", s)
		case voiced:
			for _, lang := range i18n.Langs {
				if _, err := PromptFile(lang, p.ID()); err != nil {
					t.Errorf("screen %q: %v (run make voices)", s, err)
				}
			}
		}
	}
	for s := range Screens {
		if !slices.Contains(citizenScreens, s) {
			t.Errorf("Screens has %q, which is not a citizen screen", s)
		}
	}
}

// TestManifestCurrent fails when a catalogue text changed after the
// prompts were recorded, or a prompt was added without recording it.
func TestManifestCurrent(t *testing.T) {
	m, err := EmbeddedManifest()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]Entry{}
	for _, e := range m.Prompts {
		listed[string(e.Lang)+"/"+e.ID] = e
	}
	for _, p := range All() {
		for _, lang := range i18n.Langs {
			e, ok := listed[string(lang)+"/"+p.ID()]
			if !ok {
				t.Errorf("prompt %s/%s is not recorded; run make voices", lang, p.ID())
				continue
			}
			if got, want := e.Text, p.Text(lang); got != want {
				t.Errorf("prompt %s/%s is stale: recorded from %q, the catalogue now says %q; run make voices", lang, p.ID(), got, want)
			}
			if got, want := e.Spoken, p.Spoken(lang); got != want {
				t.Errorf("prompt %s/%s was spoken as %q, the rules now give %q; run make voices", lang, p.ID(), got, want)
			}
			if e.Voice != Voices[lang] {
				t.Errorf("prompt %s/%s recorded with voice %q, want %q", lang, p.ID(), e.Voice, Voices[lang])
			}
			delete(listed, string(lang)+"/"+p.ID())
		}
	}
	for k := range listed {
		t.Errorf("manifest lists %s, which is no prompt any more; run make voices", k)
	}
}

func TestPromptTexts(t *testing.T) {
	for _, p := range All() {
		for _, lang := range i18n.Langs {
			text := p.Text(lang)
			if strings.ContainsAny(text, "%⟦") {
				t.Errorf("prompt %s/%s = %q: a format verb or a missing key", lang, p.ID(), text)
			}
		}
	}
	if got, want := Screens["attract"].Text(i18n.English), "Welcome to e-Mitra Plus. Touch to start"; got != want {
		t.Errorf("attract prompt = %q, want %q", got, want)
	}
	if got, want := Screens["attract"].Text(i18n.Hindi), "ई-मित्र प्लस में आपका स्वागत है। शुरू करने के लिए छुएं"; got != want {
		t.Errorf("attract prompt = %q, want %q", got, want)
	}
}

func TestSpoken(t *testing.T) {
	for _, tt := range []struct {
		lang     i18n.Lang
		in, want string
	}{
		{i18n.English, "Insert notes of ₹10 to ₹2000, one at a time", "Insert notes of 10 rupees to 2000 rupees, one at a time"},
		{i18n.Hindi, "₹10 से ₹2000 तक के नोट", "10 रुपये से 2000 रुपये तक के नोट"},
		{i18n.Hindi, "तहसील/कोषालय जाएँ", "तहसील या कोषालय जाएँ"},
		{i18n.English, "Aadhaar / Jan Aadhaar", "Aadhaar  or  Jan Aadhaar"},
		{i18n.English, "₹1,50,000 paid", "1,50,000 rupees paid"},
	} {
		if got := spoken(tt.lang, tt.in); got != tt.want {
			t.Errorf("spoken(%s, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// TestPromptsPlayable decodes every recording: the right length, not
// silent, and the bytes the manifest recorded.
func TestPromptsPlayable(t *testing.T) {
	m, _ := EmbeddedManifest()
	if len(m.Prompts) == 0 {
		t.Fatal("no prompts recorded; run make voices")
	}
	total := 0
	for _, e := range m.Prompts {
		b, err := promptFS.ReadFile(path.Join(PromptDir, e.File))
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		total += len(b)
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != e.SHA256 {
			t.Errorf("%s: sha256 differs from the manifest", e.File)
		}
		c, err := speech.Decode(b)
		if err != nil {
			t.Errorf("Decode(%s) = %v", e.File, err)
			continue
		}
		if c.Rate != m.Rate || len(c.Samples) != e.Samples {
			t.Errorf("%s/%s = %d Hz, %d samples; manifest says %d Hz, %d", e.Lang, e.ID, c.Rate, len(c.Samples), m.Rate, e.Samples)
		}
		if d := c.Duration(); d < 500*time.Millisecond || d > 15*time.Second {
			t.Errorf("%s/%s lasts %v, want 0.5–15 s", e.Lang, e.ID, d)
		}
		var sum float64
		for _, s := range c.Samples {
			sum += float64(s) * float64(s)
		}
		// Speech with pauses is 15–25 dB below its peak; silence or a
		// broken decoder is far below -40 dBFS.
		if rms := math.Sqrt(sum / float64(len(c.Samples))); rms < 300 {
			t.Errorf("%s/%s RMS = %.0f: silent", e.Lang, e.ID, rms)
		}
	}
	t.Logf("%d recordings, %d bytes embedded", len(m.Prompts), total)
	if total > 3<<20 {
		t.Errorf("prompts take %d bytes, want < 3 MiB", total)
	}
}
