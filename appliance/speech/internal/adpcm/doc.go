// Package adpcm compresses the kiosk's spoken prompts with IMA ADPCM: four
// bits a sample, a quarter of 16-bit PCM, decoded with table look-ups and
// adds. Speech from espeak-ng keeps about 25 dB signal-to-noise ratio, which
// is more than a kiosk loudspeaker in a street reproduces, and the whole
// prompt set fits in the binary without a general-purpose audio codec.
//
// # Spec
//
// IMA Digital Audio Focus and Technical Working Groups, "Recommended
// Practices for Enhancing Digital Audio Compatibility in Multimedia
// Systems", revision 3.00 (1992), section 6 (the IMA ADPCM algorithm): the
// 89-entry step table, the index adjustment table and the quantiser. The
// container is this package's own (Mitra prompts only, not a WAV
// WAVE_FORMAT_IMA_ADPCM file): one stream, no blocks, so there is no
// per-block header to pay for.
//
// # Format
//
//	offset size
//	0      4    magic "MVA1"
//	4      4    sample rate, Hz, little-endian
//	8      4    number of samples, little-endian
//	12     2    the first sample (the initial predictor), little-endian
//	14     1    initial step index, 0..88
//	15     1    zero
//	16     …    ⌈(samples-1)/2⌉ bytes of 4-bit codes for the second sample
//	            on, the earlier sample in the low nibble
package adpcm
