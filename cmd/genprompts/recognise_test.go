package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/drivers/audio/wav"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/voice"
)

// recognisable are English prompts pocketsphinx hears well.
var recognisable = []string{"home.prompt", "bills.prompt", "ack.title+pension.slip", "flow.invalid_plain", "pension.already", "err.credit_spent"}

// TestRecognisable checks English recordings with an independent listener,
// pocketsphinx (Debian: pocketsphinx pocketsphinx-en-us), when it is
// installed: half the words of each text must come back from speech
// recognition. espeak-ng's voice is far from what the US English model was
// trained on (over all English prompts only a third of the words come
// back), so this uses prompts it hears well; a broken decoder or a
// recording of noise scores near 0. It takes a few seconds a prompt.

func TestRecognisable(t *testing.T) {
	ps, err := exec.LookPath("pocketsphinx_continuous")
	if err != nil {
		t.Skip("pocketsphinx_continuous not installed")
	}
	if testing.Short() {
		t.Skip("slow: speech recognition")
	}
	m, _ := voice.EmbeddedManifest()
	dir := t.TempDir()
	var words, heard int
	for _, e := range m.Prompts {
		if e.Lang != i18n.English || !slices.Contains(recognisable, e.ID) {
			continue
		}
		rec, err := voice.PromptFile(e.Lang, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := speech.Decode(rec)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		wav.Encode(&b, c) // 16 kHz mono: what the en-us model takes
		name := filepath.Join(dir, e.ID+".wav")
		os.WriteFile(name, b.Bytes(), 0o644)
		out, err := exec.Command(ps, "-infile", name, "-logfn", os.DevNull).Output()
		if err != nil {
			t.Fatalf("%s: %v", ps, err)
		}
		got := strings.Fields(strings.ToLower(string(out)))
		want := strings.Fields(strings.ToLower(strings.Map(func(r rune) rune {
			if strings.ContainsRune(".,?!:…", r) {
				return ' '
			}
			return r
		}, e.Text)))
		n := 0
		for _, w := range want {
			for _, g := range got {
				if g == w {
					n++
					break
				}
			}
		}
		words += len(want)
		heard += n
		if 2*n < len(want) {
			t.Errorf("%s: pocketsphinx heard %d of %d words: %q", e.ID, n, len(want), strings.Join(got, " "))
		}
		t.Logf("%-36s %2d/%2d  %q", e.ID, n, len(want), strings.Join(got, " "))
	}
	t.Logf("pocketsphinx heard %d of %d words", heard, words)
}
