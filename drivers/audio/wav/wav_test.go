package wav

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

func TestRoundTrip(t *testing.T) {
	c := audio.Clip{Rate: 16000, Samples: []int16{0, 1, -1, 32767, -32768, 1234}}
	var b bytes.Buffer
	if err := Encode(&b, c); err != nil {
		t.Fatal(err)
	}
	if got, want := b.Len(), 44+2*len(c.Samples); got != want {
		t.Errorf("Encode() wrote %d bytes, want %d", got, want)
	}
	got, err := Decode(&b)
	if err != nil {
		t.Fatalf("Decode() = %v", err)
	}
	if got.Rate != c.Rate || !slices.Equal(got.Samples, c.Samples) {
		t.Errorf("Decode(Encode(c)) = %+v, want %+v", got, c)
	}
}

// TestStreamedStereo reads a file the way espeak-ng and ffmpeg write to a
// pipe: unknown data size, and here two channels and a LIST chunk.
func TestStreamedStereo(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("RIFF\xff\xff\xff\xffWAVE")
	b.WriteString("LIST\x03\x00\x00\x00abc\x00") // odd size: one pad byte
	b.WriteString("fmt \x10\x00\x00\x00")
	binary.Write(&b, binary.LittleEndian, []uint16{1, 2})
	binary.Write(&b, binary.LittleEndian, []uint32{22050, 4 * 22050})
	binary.Write(&b, binary.LittleEndian, []uint16{4, 16})
	b.WriteString("data\x00\xf0\xff\x7f")
	binary.Write(&b, binary.LittleEndian, []int16{100, 300, -4, -6})
	c, err := Decode(&b)
	if err != nil {
		t.Fatalf("Decode() = %v", err)
	}
	if want := []int16{200, -5}; c.Rate != 22050 || !slices.Equal(c.Samples, want) {
		t.Errorf("Decode() = %+v, want 22050 Hz %v", c, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, in := range []string{"", "RIFF\x00\x00\x00\x00WAVX", "RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"} {
		if _, err := Decode(bytes.NewReader([]byte(in))); err == nil {
			t.Errorf("Decode(%q) = nil error", in)
		}
	}
}

// TestEspeak reads real espeak-ng output, when espeak-ng is installed
// (make voices installs it).
func TestEspeak(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed")
	}
	out, err := exec.Command("espeak-ng", "-v", "en-gb", "--stdout", "test").Output()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Decode(espeak-ng output) = %v", err)
	}
	if c.Rate != 22050 || c.Duration() < 100e6 {
		t.Errorf("Decode(espeak-ng output) = %d Hz, %v; want 22050 Hz, ≥ 100ms", c.Rate, c.Duration())
	}
}

// TestSox checks a written file with an independent reader, when sox is
// installed.
func TestSox(t *testing.T) {
	if _, err := exec.LookPath("soxi"); err != nil {
		t.Skip("sox not installed")
	}
	p := filepath.Join(t.TempDir(), "a.wav")
	var b bytes.Buffer
	Encode(&b, audio.Clip{Rate: 16000, Samples: make([]int16, 16000)})
	os.WriteFile(p, b.Bytes(), 0o644)
	out, err := exec.Command("soxi", "-D", p).Output()
	if err != nil || string(bytes.TrimSpace(out)) != "1.000000" {
		t.Errorf("soxi -D = %q, %v; want 1.000000", out, err)
	}
}

func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	Encode(&b, audio.Clip{Rate: 8000, Samples: []int16{1, 2, 3}})
	f.Add(b.Bytes())
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x22\x56\x00\x00\x88\x58\x01\x00\x04\x00\x10\x00data\x00\xf0\xff\x7f\x01\x02"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := Decode(bytes.NewReader(in))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, c); err != nil {
			t.Fatalf("Encode(Decode(x)) = %v", err)
		}
		c2, err := Decode(&out)
		if err != nil || !slices.Equal(c2.Samples, c.Samples) {
			t.Fatalf("round trip of a decoded clip failed: %v", err)
		}
	})
}
