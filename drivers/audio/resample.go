package audio

// Resample returns c at rate by linear interpolation. Backends use it when a
// sound card refuses the clip's rate (most HDA and HDMI outputs take only
// 44.1 and 48 kHz); prompts are speech, for which interpolation from 16 or
// 22.05 kHz upward is transparent. Downsampling this way aliases, so
// backends only ever resample upward in practice. c is returned unchanged
// when the rates are equal or either is not positive.
func Resample(c Clip, rate int) Clip {
	if rate <= 0 || c.Rate <= 0 || rate == c.Rate || len(c.Samples) == 0 {
		return c
	}
	n := int(int64(len(c.Samples)) * int64(rate) / int64(c.Rate))
	out := make([]int16, n)
	last := len(c.Samples) - 1
	for i := range out {
		// Position in the source in 1/rate units: i·c.Rate/rate = q + r/rate.
		p := int64(i) * int64(c.Rate)
		q, r := int(p/int64(rate)), p%int64(rate)
		if q >= last {
			out[i] = c.Samples[last]
			continue
		}
		a, b := int64(c.Samples[q]), int64(c.Samples[q+1])
		out[i] = int16(a + (b-a)*r/int64(rate))
	}
	return Clip{Rate: rate, Samples: out}
}

// Stereo returns the interleaved two-channel frames of mono samples, for
// outputs that take no mono (HDA codecs, HDMI).
func Stereo(mono []int16) []int16 {
	out := make([]int16, 2*len(mono))
	for i, s := range mono {
		out[2*i], out[2*i+1] = s, s
	}
	return out
}
