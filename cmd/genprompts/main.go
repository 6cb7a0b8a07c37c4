// Command genprompts records the kiosk's spoken prompts: it runs espeak-ng on
// the text of every prompt of ui/voice in Hindi and English, trims the
// silence around it, resamples it to 16 kHz, evens out the loudness,
// compresses it with appliance/speech.Encode (IMA ADPCM and DEFLATE) and writes ui/voice/prompts with a manifest
// of the exact texts. `make voices` runs it from the module root.
//
// The files are committed, so building and testing Mitra need no espeak-ng.
//
// With -wav DIR it instead writes the prompts built into ui/voice, decoded,
// as DIR/<lang>/<id>.wav, to listen to them (aplay, or any player).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/wav"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/voice"
)

func main() {
	out := flag.String("out", filepath.Join("ui", "voice", voice.PromptDir), "directory to write the prompts to")
	espeak := flag.String("espeak", "espeak-ng", "the espeak-ng program")
	// 150 words a minute: slower than espeak-ng's 175, for citizens using
	// a touchscreen for the first time.
	speed := flag.Int("speed", 150, "speaking rate, words per minute")
	rate := flag.Int("rate", 16000, "sample rate of the prompts, Hz")
	wavDir := flag.String("wav", "", "write the embedded prompts as WAV files here, and record nothing")
	flag.Parse()
	if *wavDir != "" {
		if err := exportWAV(*wavDir); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*out, *espeak, *speed, *rate); err != nil {
		log.Fatal(err)
	}
}

func run(out, espeak string, speed, rate int) error {
	ver, err := exec.Command(espeak, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s: %w (make voices installs espeak-ng)", espeak, err)
	}
	m := voice.Manifest{Generator: generatorName(string(ver)), Speed: speed, Rate: rate}
	keep := map[string]bool{voice.ManifestName: true}
	total := 0
	for _, lang := range i18n.Langs {
		if err := os.MkdirAll(filepath.Join(out, string(lang)), 0o755); err != nil {
			return err
		}
		for _, p := range voice.All() {
			text := p.Text(lang)
			if strings.Contains(text, "⟦") {
				return fmt.Errorf("prompt %s: a key is missing from the catalogue: %s", p.ID(), text)
			}
			c, err := synthesise(espeak, voice.Voices[lang], speed, p.Spoken(lang))
			if err != nil {
				return fmt.Errorf("prompt %s/%s: %w", lang, p.ID(), err)
			}
			c = normalise(Downsample(trim(c), rate))
			b, err := speech.Encode(c)
			if err != nil {
				return err
			}
			file := string(lang) + "/" + p.ID() + voice.PromptExt
			if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(file)), b, 0o644); err != nil {
				return err
			}
			keep[file] = true
			sum := sha256.Sum256(b)
			m.Prompts = append(m.Prompts, voice.Entry{
				Lang: lang, ID: p.ID(), Voice: voice.Voices[lang], Text: text, Spoken: p.Spoken(lang), File: file,
				Samples: len(c.Samples), SHA256: hex.EncodeToString(sum[:]),
			})
			total += len(b)
			log.Printf("%s %-40s %5.2fs %6d bytes", lang, p.ID(), c.Duration().Seconds(), len(b))
		}
	}
	mb, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, voice.ManifestName), append(mb, '\n'), 0o644); err != nil {
		return err
	}
	// Recordings of prompts that no longer exist would stay embedded.
	err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if !keep[filepath.ToSlash(rel)] {
			log.Printf("removing %s", rel)
			return os.Remove(p)
		}
		return nil
	})
	log.Printf("%d prompts, %d bytes of recordings", len(m.Prompts), total)
	return err
}

// exportWAV writes every embedded prompt, decoded, to dir as WAV.
func exportWAV(dir string) error {
	m, err := voice.EmbeddedManifest()
	if err != nil {
		return err
	}
	for _, e := range m.Prompts {
		rec, err := voice.PromptFile(e.Lang, e.ID)
		if err != nil {
			return err
		}
		c, err := speech.Decode(rec)
		if err != nil {
			return err
		}
		name := filepath.Join(dir, string(e.Lang), e.ID+".wav")
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		var b bytes.Buffer
		if err := wav.Encode(&b, c); err != nil {
			return err
		}
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	log.Printf("%d prompts written to %s", len(m.Prompts), dir)
	return nil
}

// generatorName is "espeak-ng 1.51" from "eSpeak NG text-to-speech: 1.51  Data at: …".
func generatorName(version string) string {
	f := strings.Fields(version)
	for i, w := range f {
		if strings.HasSuffix(w, ":") && i+1 < len(f) {
			return "espeak-ng " + f[i+1]
		}
	}
	return "espeak-ng"
}

// synthesise runs espeak-ng on text (given on standard input, so no text
// is ever taken for an option).
func synthesise(espeak, voiceName string, speed int, text string) (audio.Clip, error) {
	cmd := exec.Command(espeak, "-v", voiceName, "-s", fmt.Sprint(speed), "--stdout", "--stdin")
	cmd.Stdin = strings.NewReader(text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return audio.Clip{}, fmt.Errorf("%s: %w: %s", espeak, err, stderr.String())
	}
	return wav.Decode(bytes.NewReader(b))
}
