package audio

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestVolumeApply(t *testing.T) {
	src := []int16{0, 1000, -1000, math.MaxInt16, math.MinInt16}
	if got := MaxVolume.Apply(nil, src); !slices.Equal(got, src) {
		t.Errorf("MaxVolume.Apply(%v) = %v, want unchanged", src, got)
	}
	for _, s := range Volume(0).Apply(nil, src) {
		if s != 0 {
			t.Fatalf("Volume(0).Apply() = %d, want silence", s)
		}
	}
	// Every step down is quieter, and about 3 dB quieter.
	prev := math.Inf(1)
	for v := MaxVolume; v > 0; v-- {
		got := v.Apply(nil, []int16{20000})[0]
		if float64(got) >= prev {
			t.Errorf("Volume(%d).Apply(20000) = %d, not below step %d (%v)", v, got, v+1, prev)
		}
		want := 20000 * math.Pow(10, -3*float64(MaxVolume-v)/20)
		if math.Abs(float64(got)-want) > 2 {
			t.Errorf("Volume(%d).Apply(20000) = %d, want %.0f", v, got, want)
		}
		prev = float64(got)
	}
}

func TestVolumeApplyInPlace(t *testing.T) {
	s := []int16{100, -100}
	out := Volume(8).Apply(s, s)
	if &out[0] != &s[0] {
		t.Errorf("Apply(s, s) allocated; want in place")
	}
	if got, want := s[0], int16(50); got != want {
		t.Errorf("Volume(8) on 100 = %d, want %d", got, want)
	}
}

func TestVolumeClamp(t *testing.T) {
	for _, tt := range []struct{ in, want Volume }{{-3, 0}, {0, 0}, {5, 5}, {10, 10}, {42, 10}} {
		if got := tt.in.Clamp(); got != tt.want {
			t.Errorf("Volume(%d).Clamp() = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestResample(t *testing.T) {
	c := Clip{Rate: 16000, Samples: make([]int16, 16000)}
	for i := range c.Samples {
		c.Samples[i] = int16(10000 * math.Sin(2*math.Pi*440*float64(i)/16000))
	}
	up := Resample(c, 48000)
	if got, want := up.Duration(), c.Duration(); got != want {
		t.Errorf("Resample(48000).Duration() = %v, want %v", got, want)
	}
	// Every third output sample is an input sample.
	for i := 0; i < len(c.Samples); i += 97 {
		if got, want := up.Samples[3*i], c.Samples[i]; got != want {
			t.Fatalf("Resample: sample %d = %d, want %d", 3*i, got, want)
		}
	}
	if got := Resample(c, 16000); &got.Samples[0] != &c.Samples[0] {
		t.Errorf("Resample to the same rate copied the clip")
	}
}

func TestStereo(t *testing.T) {
	if got, want := Stereo([]int16{1, -2}), []int16{1, 1, -2, -2}; !slices.Equal(got, want) {
		t.Errorf("Stereo() = %v, want %v", got, want)
	}
}

func TestDuration(t *testing.T) {
	if got, want := (Clip{Rate: 16000, Samples: make([]int16, 24000)}).Duration(), 1500*time.Millisecond; got != want {
		t.Errorf("Duration() = %v, want %v", got, want)
	}
	if err := (Clip{}).Validate(); err != ErrBadClip {
		t.Errorf("Clip{}.Validate() = %v, want ErrBadClip", err)
	}
}
