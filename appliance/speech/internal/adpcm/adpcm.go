package adpcm

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

const (
	magic      = "MVA1"
	headerSize = 16
	// maxSamples bounds a decoded prompt (about 17 minutes at 16 kHz), so
	// a corrupt header cannot allocate gigabytes.
	maxSamples = 1 << 24
)

// stepSize is the IMA quantiser step table.
var stepSize = [89]int32{
	7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45,
	50, 55, 60, 66, 73, 80, 88, 97, 107, 118, 130, 143, 157, 173, 190, 209, 230,
	253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724, 796, 876, 963,
	1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327,
	3660, 4026, 4428, 4871, 5358, 5894, 6484, 7132, 7845, 8630, 9493, 10442,
	11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794,
	32767,
}

// indexAdjust moves the step index after each code (by magnitude bits).
var indexAdjust = [8]int32{-1, -1, -1, -1, 2, 4, 6, 8}

// state is the predictor both ends track.
type state struct {
	pred  int32
	index int32
}

// step applies code to s and returns the new sample; encoder and decoder
// both call it, so they cannot drift apart.
func (s *state) step(code byte) int16 {
	st := stepSize[s.index]
	diff := st >> 3
	if code&4 != 0 {
		diff += st
	}
	if code&2 != 0 {
		diff += st >> 1
	}
	if code&1 != 0 {
		diff += st >> 2
	}
	if code&8 != 0 {
		s.pred -= diff
	} else {
		s.pred += diff
	}
	s.pred = max(-32768, min(32767, s.pred))
	s.index = max(0, min(88, s.index+indexAdjust[code&7]))
	return int16(s.pred)
}

// quantise returns the code that best moves s toward sample.
func (s *state) quantise(sample int16) byte {
	diff := int32(sample) - s.pred
	var code byte
	if diff < 0 {
		code, diff = 8, -diff
	}
	st := stepSize[s.index]
	if diff >= st {
		code |= 4
		diff -= st
	}
	st >>= 1
	if diff >= st {
		code |= 2
		diff -= st
	}
	st >>= 1
	if diff >= st {
		code |= 1
	}
	return code
}

// Encode compresses c.
func Encode(c audio.Clip) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(c.Samples) > maxSamples {
		return nil, fmt.Errorf("adpcm: %d samples, at most %d", len(c.Samples), maxSamples)
	}
	out := make([]byte, headerSize+codeBytes(len(c.Samples)))
	copy(out, magic)
	binary.LittleEndian.PutUint32(out[4:], uint32(c.Rate))
	binary.LittleEndian.PutUint32(out[8:], uint32(len(c.Samples)))
	var s state
	if len(c.Samples) > 0 {
		s.pred = int32(c.Samples[0])
		// Start with a step that fits the first change, so the first
		// milliseconds are not a slow ramp from the smallest step.
		if len(c.Samples) > 1 {
			d := int32(c.Samples[1]) - int32(c.Samples[0])
			d = max(d, -d)
			for s.index < 88 && stepSize[s.index] < d {
				s.index++
			}
		}
	}
	binary.LittleEndian.PutUint16(out[12:], uint16(int16(s.pred)))
	out[14] = byte(s.index)
	codes := out[headerSize:]
	for i := 1; i < len(c.Samples); i++ {
		code := s.quantise(c.Samples[i])
		s.step(code)
		codes[(i-1)/2] |= code << (4 * ((i - 1) % 2))
	}
	return out, nil
}

// codeBytes is the size of the codes for n samples: the first sample is
// in the header, the rest take a nibble each.
func codeBytes(n int) int { return max(0, n) / 2 }

var errFormat = errors.New("adpcm: not a Mitra ADPCM prompt (magic MVA1)")

// Info returns the rate and sample count from the header of b.
func Info(b []byte) (rate, samples int, err error) {
	if len(b) < headerSize || string(b[:4]) != magic {
		return 0, 0, errFormat
	}
	rate = int(binary.LittleEndian.Uint32(b[4:]))
	n := binary.LittleEndian.Uint32(b[8:])
	if rate <= 0 || rate > 192000 {
		return 0, 0, fmt.Errorf("adpcm: sample rate %d", rate)
	}
	if n > maxSamples {
		return 0, 0, fmt.Errorf("adpcm: %d samples, at most %d", n, maxSamples)
	}
	if b[14] > 88 {
		return 0, 0, fmt.Errorf("adpcm: step index %d", b[14])
	}
	if need := headerSize + codeBytes(int(n)); len(b) < need {
		return 0, 0, fmt.Errorf("adpcm: %d bytes, want %d for %d samples", len(b), need, n)
	}
	return rate, int(n), nil
}

// Decode expands b into dst (reused if it has room) and returns the clip.
func Decode(b []byte, dst []int16) (audio.Clip, error) {
	rate, n, err := Info(b)
	if err != nil {
		return audio.Clip{}, err
	}
	if cap(dst) < n {
		dst = make([]int16, n)
	}
	dst = dst[:n]
	s := state{pred: int32(int16(binary.LittleEndian.Uint16(b[12:]))), index: int32(b[14])}
	if n == 0 {
		return audio.Clip{Rate: rate, Samples: dst}, nil
	}
	dst[0] = int16(s.pred)
	codes := b[headerSize:]
	i := 1
	for ; i+1 < n; i += 2 {
		c := codes[(i-1)/2]
		dst[i] = s.step(c & 0xf)
		dst[i+1] = s.step(c >> 4)
	}
	if i < n {
		dst[i] = s.step(codes[(i-1)/2] & 0xf)
	}
	return audio.Clip{Rate: rate, Samples: dst}, nil
}
