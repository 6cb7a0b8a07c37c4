// Package audio defines the audio output device class: a Player that plays
// short mono PCM clips, the spoken prompts of the kiosk.
//
// Backends:
//
//   - drivers/audio/alsa: the appliance; the kernel's ALSA PCM interface on
//     /dev/snd/pcmC<card>D<dev>p, pure Go, no alsa-lib.
//   - drivers/audio/malgo: the desktop (`make run`), through miniaudio; cgo
//     only, never in the noos build.
//   - drivers/audio/wavsink: no hardware; clips go to memory or WAV files,
//     for tests and for a headless kiosk.
//
// The interface is kept to what a kiosk prompt needs: play one clip, stop it
// when the citizen moves on. Volume is applied in software (Volume.Apply)
// because the cheapest USB speakers and the Pi's HDMI audio have no mixer
// control worth relying on.
package audio
