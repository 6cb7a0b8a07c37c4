package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

const (
	formatPCM = 1 // WAVE_FORMAT_PCM
	// streamedSize is the chunk size a writer puts when it does not know
	// the length (espeak-ng --stdout writes 0x7ffff000 and ffmpeg to a pipe
	// writes 0xffffffff); the data then runs to the end of the file.
	streamedSize = 0x7ffff000
	// maxSamples bounds a decoded clip (about 50 minutes at 16 kHz) so a
	// corrupt header cannot make the reader allocate gigabytes.
	maxSamples = 1 << 26
)

var errFormat = errors.New("wav: not a 16-bit PCM RIFF WAVE file")

// Decode reads a 16-bit PCM WAVE file and returns it as a mono clip.
func Decode(r io.Reader) (audio.Clip, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return audio.Clip{}, fmt.Errorf("wav: header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return audio.Clip{}, errFormat
	}
	var (
		channels, bits int
		rate           int
		haveFmt        bool
	)
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return audio.Clip{}, fmt.Errorf("wav: no data chunk: %w", err)
		}
		id, size := string(ch[0:4]), binary.LittleEndian.Uint32(ch[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return audio.Clip{}, fmt.Errorf("wav: fmt chunk of %d bytes", size)
			}
			b := make([]byte, size+size&1) // chunks are padded to even length
			if _, err := io.ReadFull(r, b); err != nil {
				return audio.Clip{}, fmt.Errorf("wav: fmt chunk: %w", err)
			}
			if f := binary.LittleEndian.Uint16(b[0:2]); f != formatPCM {
				return audio.Clip{}, fmt.Errorf("wav: format %d, want PCM (1): %w", f, errFormat)
			}
			channels = int(binary.LittleEndian.Uint16(b[2:4]))
			rate = int(binary.LittleEndian.Uint32(b[4:8]))
			bits = int(binary.LittleEndian.Uint16(b[14:16]))
			if bits != 16 || channels < 1 || channels > 8 || rate < 1000 || rate > 384000 {
				return audio.Clip{}, fmt.Errorf("wav: %d channels, %d bits, %d Hz: %w", channels, bits, rate, errFormat)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return audio.Clip{}, errors.New("wav: data chunk before fmt chunk")
			}
			var data []byte
			var err error
			if size >= streamedSize {
				data, err = io.ReadAll(io.LimitReader(r, 2*maxSamples))
			} else {
				if size > 2*maxSamples {
					return audio.Clip{}, fmt.Errorf("wav: data chunk of %d bytes is too long", size)
				}
				data = make([]byte, size)
				_, err = io.ReadFull(r, data)
			}
			if err != nil {
				return audio.Clip{}, fmt.Errorf("wav: data chunk: %w", err)
			}
			return audio.Clip{Rate: rate, Samples: mixDown(data, channels)}, nil
		default:
			// LIST, fact, cue and the like: not needed for playback.
			if _, err := io.CopyN(io.Discard, r, int64(size)+int64(size&1)); err != nil {
				return audio.Clip{}, fmt.Errorf("wav: %q chunk: %w", id, err)
			}
		}
	}
}

// mixDown averages interleaved little-endian 16-bit frames into mono; a
// trailing partial frame is dropped.
func mixDown(data []byte, channels int) []int16 {
	n := len(data) / (2 * channels)
	out := make([]int16, n)
	for i := range out {
		sum := 0
		for c := range channels {
			sum += int(int16(binary.LittleEndian.Uint16(data[2*(i*channels+c):])))
		}
		out[i] = int16(sum / channels)
	}
	return out
}

// Encode writes c as a mono 16-bit PCM WAVE file.
func Encode(w io.Writer, c audio.Clip) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data := 2 * len(c.Samples)
	b := make([]byte, 44+data)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+data))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], formatPCM)
	binary.LittleEndian.PutUint16(b[22:], 1)                // channels
	binary.LittleEndian.PutUint32(b[24:], uint32(c.Rate))   // sample rate
	binary.LittleEndian.PutUint32(b[28:], uint32(2*c.Rate)) // byte rate
	binary.LittleEndian.PutUint16(b[32:], 2)                // block align
	binary.LittleEndian.PutUint16(b[34:], 16)               // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(data))
	for i, s := range c.Samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	_, err := w.Write(b)
	if err != nil {
		return fmt.Errorf("wav: write: %w", err)
	}
	return nil
}
