package adpcm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// snr is the signal-to-noise ratio of got against want, in dB.
func snr(want, got []int16) float64 {
	var sig, noise float64
	for i := range want {
		d := float64(want[i]) - float64(got[i])
		sig += float64(want[i]) * float64(want[i])
		noise += d * d
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(sig/noise)
}

// speechLike is a voiced signal: a 120 Hz buzz through two formant-like
// tones with a syllable-rate envelope, plus some noise.
func speechLike(rate, n int) []int16 {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]int16, n)
	for i := range out {
		t := float64(i) / float64(rate)
		env := 0.5 + 0.5*math.Sin(2*math.Pi*4*t)
		v := 0.0
		for h := 1; h <= 20; h++ {
			f := 120 * float64(h)
			g := math.Exp(-math.Pow((f-700)/250, 2)) + 0.5*math.Exp(-math.Pow((f-1800)/300, 2)) + 0.05
			v += g * math.Sin(2*math.Pi*f*t)
		}
		out[i] = int16(env*6000*v + 200*r.NormFloat64())
	}
	return out
}

func TestRoundTripSNR(t *testing.T) {
	for _, tt := range []struct {
		name    string
		samples []int16
		minSNR  float64
	}{
		{"speech-like 16 kHz", speechLike(16000, 32000), 20},
		{"440 Hz tone", tone(16000, 440, 12000, 16000), 30},
		{"full-scale 3 kHz", tone(16000, 3000, 32000, 8000), 15},
	} {
		c := audio.Clip{Rate: 16000, Samples: tt.samples}
		b, err := Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(b), headerSize+len(tt.samples)/2; got != want {
			t.Errorf("%s: Encode() = %d bytes, want %d", tt.name, got, want)
		}
		d, err := Decode(b, nil)
		if err != nil {
			t.Fatalf("%s: Decode() = %v", tt.name, err)
		}
		if d.Rate != c.Rate || len(d.Samples) != len(c.Samples) {
			t.Fatalf("%s: Decode() = %d Hz %d samples, want %d Hz %d", tt.name, d.Rate, len(d.Samples), c.Rate, len(c.Samples))
		}
		if got := snr(c.Samples, d.Samples); got < tt.minSNR {
			t.Errorf("%s: round trip SNR = %.1f dB, want ≥ %.0f", tt.name, got, tt.minSNR)
		} else {
			t.Logf("%s: SNR %.1f dB", tt.name, got)
		}
	}
}

func tone(rate int, f, amp float64, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(math.Max(-32768, math.Min(32767, amp*math.Sin(2*math.Pi*f*float64(i)/float64(rate)))))
	}
	return out
}

func TestOddAndEmpty(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3} {
		c := audio.Clip{Rate: 8000, Samples: make([]int16, n)}
		for i := range c.Samples {
			c.Samples[i] = int16(100 * i)
		}
		b, err := Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Decode(b, nil)
		if err != nil || len(d.Samples) != n {
			t.Errorf("Decode(Encode(%d samples)) = %d samples, %v", n, len(d.Samples), err)
		}
		if n > 0 && d.Samples[0] != 0 {
			t.Errorf("first sample = %d, want exact 0 (it is the predictor)", d.Samples[0])
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good, _ := Encode(audio.Clip{Rate: 16000, Samples: make([]int16, 10)})
	for _, tt := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"wrong magic", append([]byte("XXXX"), good[4:]...)},
		{"truncated", good[:len(good)-1]},
		{"bad index", append(append([]byte{}, good[:14]...), append([]byte{89}, good[15:]...)...)},
	} {
		if _, err := Decode(tt.b, nil); err == nil {
			t.Errorf("Decode(%s) = nil error", tt.name)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Encode(audio.Clip{Rate: 16000, Samples: speechLike(16000, 100)})
	f.Add(good)
	f.Add([]byte("MVA1\x80\x3e\x00\x00\x03\x00\x00\x00\x00\x00\x58\x00\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Decode(b, nil)
		if err != nil {
			return
		}
		if _, n, _ := Info(b); n != len(c.Samples) {
			t.Fatalf("Decode() = %d samples, header says %d", len(c.Samples), n)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	enc, _ := Encode(audio.Clip{Rate: 16000, Samples: speechLike(16000, 48000)}) // 3 s
	dst := make([]int16, 48000)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		Decode(enc, dst)
	}
}
