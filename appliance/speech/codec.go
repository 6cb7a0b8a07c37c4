package speech

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"

	"github.com/mitra-kiosk/mitra/appliance/speech/internal/adpcm"
	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// maxPromptBytes bounds a decompressed recording (17 minutes at 16 kHz), so
// a corrupt file cannot fill the kiosk's memory.
const maxPromptBytes = 1 << 23

// Encode compresses a recording as Decode reads it: IMA ADPCM, then DEFLATE,
// which takes another 30% off (the pauses between sentences, and the nibble
// patterns of steady vowels).
func Encode(c audio.Clip) ([]byte, error) {
	a, err := adpcm.Encode(c)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	w.Write(a)
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Decode expands a recording made by Encode.
func Decode(b []byte) (audio.Clip, error) {
	a, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(b)), maxPromptBytes))
	if err != nil {
		return audio.Clip{}, fmt.Errorf("speech: inflate: %w", err)
	}
	c, err := adpcm.Decode(a, nil)
	if err != nil {
		return audio.Clip{}, fmt.Errorf("speech: %w", err)
	}
	return c, nil
}
