// Package wav reads and writes RIFF WAVE files of 16-bit PCM, the format
// espeak-ng writes and every audio tool reads. It is the file side of
// drivers/audio: the prompt generator reads espeak-ng's output with it, and
// drivers/audio/wavsink writes what a headless kiosk would have said.
//
// # Spec
//
// Microsoft "Multimedia Programming Interface and Data Specifications 1.0"
// (1991), RIFF WAVE with a WAVE_FORMAT_PCM (1) fmt chunk. Only 16-bit
// samples are accepted; several channels are mixed down to mono.
package wav
