package audio

// Volume is a software volume step from 0 (silent) to MaxVolume (the
// samples as recorded). Each step below the top is 3 dB quieter, so the ten
// steps cover 27 dB, enough to go from a noisy bazaar to a quiet
// office; a linear scale would put most steps in the too-loud range.
type Volume int

const (
	// MaxVolume plays samples unchanged.
	MaxVolume Volume = 10
	// DefaultVolume is loud enough to be heard over a street without
	// clipping in a small room.
	DefaultVolume Volume = 7
)

// volumeGain[v] is the gain for step v in Q15 fixed point: 32768 · 10^(3(v-10)/20).
var volumeGain = [MaxVolume + 1]int32{
	0,     // 0: mute
	1464,  // 1: -27 dB
	2068,  // 2: -24 dB
	2920,  // 3: -21 dB
	4125,  // 4: -18 dB
	5827,  // 5: -15 dB
	8231,  // 6: -12 dB
	11627, // 7: -9 dB
	16423, // 8: -6 dB
	23198, // 9: -3 dB
	32768, // 10: 0 dB
}

// Clamp returns v limited to 0..MaxVolume.
func (v Volume) Clamp() Volume {
	switch {
	case v < 0:
		return 0
	case v > MaxVolume:
		return MaxVolume
	}
	return v
}

// Gain is the linear gain of step v (clamped), 0 to 1.
func (v Volume) Gain() float64 { return float64(volumeGain[v.Clamp()]) / 32768 }

// Apply writes src scaled by v into dst and returns dst[:len(src)]. dst may
// be src (in place); if dst is too short a new slice is allocated.
func (v Volume) Apply(dst, src []int16) []int16 {
	if cap(dst) < len(src) {
		dst = make([]int16, len(src))
	}
	dst = dst[:len(src)]
	g := volumeGain[v.Clamp()]
	for i, s := range src {
		// Rounded Q15 multiply; a gain ≤ 1 cannot overflow int16.
		dst[i] = int16((int32(s)*g + 1<<14) >> 15)
	}
	return dst
}

// Scale returns a copy of c at volume v; c is not changed.
func (v Volume) Scale(c Clip) Clip {
	return Clip{Rate: c.Rate, Samples: v.Apply(nil, c.Samples)}
}
