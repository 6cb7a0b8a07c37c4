package main

import (
	"math"
	"os/exec"
	"testing"

	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/voice"
)

func tone(rate int, f float64, n int) audio.Clip {
	c := audio.Clip{Rate: rate, Samples: make([]int16, n)}
	for i := range c.Samples {
		c.Samples[i] = int16(10000 * math.Sin(2*math.Pi*f*float64(i)/float64(rate)))
	}
	return c
}

func rms(s []int16) float64 {
	var sum float64
	for _, x := range s {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum / float64(len(s)))
}

func TestDownsample(t *testing.T) {
	for _, tt := range []struct {
		f        float64
		min, max float64 // output RMS relative to input
	}{
		{1000, 0.98, 1.02}, // speech band: kept
		{3000, 0.98, 1.02},
		{10000, 0, 0.01}, // above the new Nyquist frequency: would alias to 6 kHz
	} {
		in := tone(22050, tt.f, 22050)
		out := Downsample(in, 16000)
		if got, want := len(out.Samples), 16000; got != want {
			t.Fatalf("Downsample() = %d samples, want %d", got, want)
		}
		// Ignore the filter's run-in at both ends.
		g := rms(out.Samples[100:15900]) / rms(in.Samples)
		if g < tt.min || g > tt.max {
			t.Errorf("Downsample(%.0f Hz) gain = %.3f, want %.2f–%.2f", tt.f, g, tt.min, tt.max)
		}
	}
}

func TestTrim(t *testing.T) {
	c := audio.Clip{Rate: 1000, Samples: make([]int16, 1000)}
	for i := 400; i < 500; i++ {
		c.Samples[i] = 5000
	}
	got := trim(c)
	// 60 ms of margin either side at 1 kHz: 340..559.
	if n := len(got.Samples); n != 220 {
		t.Errorf("trim() kept %d samples, want 220", n)
	}
	if n := len(trim(audio.Clip{Rate: 1000, Samples: make([]int16, 50)}).Samples); n != 0 {
		t.Errorf("trim(silence) kept %d samples", n)
	}
}

func TestNormalise(t *testing.T) {
	got := normalise(audio.Clip{Rate: 8000, Samples: []int16{100, -1000, 500}})
	if want := int16(-math.Round(peakTarget)); got.Samples[1] != want {
		t.Errorf("normalise() peak = %d, want %d", got.Samples[1], want)
	}
}

func TestGeneratorName(t *testing.T) {
	if got, want := generatorName("eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data\n"), "espeak-ng 1.51"; got != want {
		t.Errorf("generatorName() = %q, want %q", got, want)
	}
}

// TestEncodeFaithful records one prompt with espeak-ng, when installed, and
// checks what the kiosk decodes against what espeak-ng said.
func TestEncodeFaithful(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (make voices installs it)")
	}
	p := voice.Screens["cash"]
	for _, lang := range i18n.Langs {
		c, err := synthesise("espeak-ng", voice.Voices[lang], 150, p.Text(lang))
		if err != nil {
			t.Fatal(err)
		}
		c = normalise(Downsample(trim(c), 16000))
		b, err := speech.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		d, err := speech.Decode(b)
		if err != nil {
			t.Fatalf("speech.Decode(speech.Encode()) = %v", err)
		}
		var sig, noise float64
		for i := range c.Samples {
			e := float64(c.Samples[i]) - float64(d.Samples[i])
			sig += float64(c.Samples[i]) * float64(c.Samples[i])
			noise += e * e
		}
		snr := 10 * math.Log10(sig/noise)
		if snr < 18 {
			t.Errorf("%s: SNR of the recording = %.1f dB, want ≥ 18", lang, snr)
		}
		ratio := float64(2*len(c.Samples)) / float64(len(b))
		t.Logf("%s: %.2f s, SNR %.1f dB, compression %.1f:1", lang, c.Duration().Seconds(), snr, ratio)
	}
}
