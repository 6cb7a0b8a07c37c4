//go:build cgo

// Package malgo plays audio.Clips on a desktop through miniaudio
// (github.com/gen2brain/malgo), for `make run`: PulseAudio, PipeWire or ALSA
// on Linux, CoreAudio on a Mac, WASAPI on Windows.
//
// It needs cgo but no audio development packages: miniaudio loads
// libasound/libpulse with dlopen at run time. The cgo constraint keeps it
// out of the appliance build (CGO_ENABLED=0), which uses
// drivers/audio/alsa.
package malgo
