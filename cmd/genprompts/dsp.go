package main

import (
	"math"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

const (
	// silenceLevel is the amplitude below which espeak-ng's output counts as
	// silence (about -44 dBFS; its own noise floor is digital zero).
	silenceLevel = 200
	// margin is the silence kept before and after the speech, so that a
	// card's start-up does not clip the first consonant.
	margin = 0.06 // seconds
	// peakTarget is the level every prompt is scaled to (-1 dBFS), so a
	// short Hindi prompt is as loud as a long English one.
	peakTarget = 0.89 * 32767
	// taps is the half-length of the resampling filter, in input samples.
	taps = 16
)

// trim removes the silence espeak-ng puts before and after speech, beyond a
// short margin.
func trim(c audio.Clip) audio.Clip {
	first, last := -1, -1
	for i, s := range c.Samples {
		if s > silenceLevel || s < -silenceLevel {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return audio.Clip{Rate: c.Rate}
	}
	m := int(margin * float64(c.Rate))
	return audio.Clip{Rate: c.Rate, Samples: c.Samples[max(0, first-m):min(len(c.Samples), last+m+1)]}
}

// Downsample converts c to rate with a windowed-sinc low-pass filter at the
// lower Nyquist frequency (Blackman window), so that espeak-ng's energy
// between 8 and 11 kHz does not alias into the speech band. It also
// upsamples, with the filter at the input's Nyquist frequency.
func Downsample(c audio.Clip, rate int) audio.Clip {
	if rate == c.Rate || len(c.Samples) == 0 {
		return c
	}
	ratio := float64(rate) / float64(c.Rate)
	cutoff := math.Min(1, ratio) // of the input Nyquist frequency
	n := int(float64(len(c.Samples)) * ratio)
	out := make([]int16, n)
	half := float64(taps) / cutoff
	for i := range out {
		x := float64(i) / ratio // position in input samples
		lo, hi := int(math.Ceil(x-half)), int(math.Floor(x+half))
		var sum, wsum float64
		for j := max(lo, 0); j <= min(hi, len(c.Samples)-1); j++ {
			d := float64(j) - x
			w := cutoff * sinc(cutoff*d) * blackman(d/half)
			sum += w * float64(c.Samples[j])
			wsum += w
		}
		if wsum != 0 {
			sum /= wsum
		}
		out[i] = int16(math.Max(-32768, math.Min(32767, math.Round(sum))))
	}
	return audio.Clip{Rate: rate, Samples: out}
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// blackman is the Blackman window over -1..1.
func blackman(t float64) float64 {
	if t <= -1 || t >= 1 {
		return 0
	}
	return 0.42 + 0.5*math.Cos(math.Pi*t) + 0.08*math.Cos(2*math.Pi*t)
}

// normalise scales c so that its peak is at peakTarget.
func normalise(c audio.Clip) audio.Clip {
	peak := 0
	for _, s := range c.Samples {
		peak = max(peak, int(s), -int(s))
	}
	if peak == 0 {
		return c
	}
	g := peakTarget / float64(peak)
	out := make([]int16, len(c.Samples))
	for i, s := range c.Samples {
		out[i] = int16(math.Round(float64(s) * g))
	}
	return audio.Clip{Rate: c.Rate, Samples: out}
}
