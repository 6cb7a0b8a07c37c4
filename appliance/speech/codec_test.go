package speech

import (
	"testing"
	"time"
)

func TestEncodeDecode(t *testing.T) {
	c := tone(2 * time.Second)
	b, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	// 2 bytes a sample as PCM; IMA ADPCM alone is 4:1.
	if ratio := float64(2*len(c.Samples)) / float64(len(b)); ratio < 4 {
		t.Errorf("compressed %d samples into %d bytes: %.1f:1, want ≥ 4:1", len(c.Samples), len(b), ratio)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rate != c.Rate || len(got.Samples) != len(c.Samples) {
		t.Fatalf("Decode() = %d Hz, %d samples; want %d Hz, %d", got.Rate, len(got.Samples), c.Rate, len(c.Samples))
	}
	for _, bad := range [][]byte{nil, []byte("MVA1"), b[:len(b)/2]} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%d bytes of damage) = nil error", len(bad))
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	rec, err := Encode(tone(3 * time.Second))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Decode(rec); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	rec, err := Encode(tone(200 * time.Millisecond))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(rec)
	f.Add(rec[:len(rec)/2])
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := Decode(in)
		if err == nil && c.Rate <= 0 {
			t.Fatalf("Decode() = a clip without a rate, and no error")
		}
	})
}
