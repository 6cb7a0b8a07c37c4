package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/alsa"
	"github.com/mitra-kiosk/mitra/drivers/audio/wavsink"
	"github.com/mitra-kiosk/mitra/ui"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/voice"
)

// openVoice returns the spoken prompts' player and the UI's view of it, or
// nil (no sound: the options panel says so). audio_device "auto" takes the
// first ALSA playback device (the appliance: a USB speaker, the Pi's jack
// or HDMI), then the desktop's sound (a cgo build), and in -sim or
// -headless mode a WAV sink in state/audio, the audio device's simulator.
func openVoice(f flags, cfg config.Config, logger *log.Logger) (ui.Voice, func(), error) {
	dev := cfg.Access.AudioDevice
	var p audio.Player
	var err error
	switch dev {
	case "none":
		logger.Printf("audio: none configured: no spoken prompts")
		return nil, func() {}, nil
	case "", "auto":
		var d *alsa.Dev
		if d, err = alsa.OpenDefault(nil); err == nil {
			p = d
			logger.Printf("audio: ALSA playback device")
		}
		if err != nil && desktopPlayer != nil {
			var derr error
			if p, derr = desktopPlayer(); derr != nil {
				err = fmt.Errorf("%w; desktop sound: %v", err, derr)
			} else {
				err = nil
				logger.Printf("audio: the desktop's sound (miniaudio)")
			}
		}
		if err != nil && (f.sim || f.headless) {
			dir := filepath.Join(f.state, "audio")
			if merr := os.MkdirAll(dir, 0o755); merr != nil {
				return nil, nil, fmt.Errorf("audio: %w", merr)
			}
			logger.Printf("audio: %v; prompts go to %s (WAV files, the last 20)", err, dir)
			p, err = wavsink.New(&wavsink.Opts{Dir: dir, Keep: 20, Realtime: true}), nil
		}
	default:
		p, err = openALSAPath(dev)
	}
	if err != nil {
		if errors.Is(err, audio.ErrNoDevice) && dev != "" && dev != "auto" {
			return nil, nil, err
		}
		// A kiosk without sound still serves citizens; the reason is on
		// the console and in the log for the technician.
		logger.Printf("audio: %v; no spoken prompts", err)
		console("MITRA: audio: " + err.Error())
		return nil, func() {}, nil
	}
	sp := speech.New(p, promptLibrary, cfg.Access.Voice)
	sp.SetVolume(audio.Volume(cfg.Access.Volume))
	return speakerVoice{sp}, func() { sp.Close(); p.Close() }, nil
}

// openALSAPath opens a configured PCM node such as /dev/snd/pcmC1D0p.
func openALSAPath(path string) (audio.Player, error) {
	devs, err := alsa.Devices()
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		if d.Path == path {
			return alsa.Open(d, nil)
		}
	}
	return nil, fmt.Errorf("audio: %s is not an ALSA playback device here (%d found): %w", path, len(devs), audio.ErrNoDevice)
}

// desktopPlayer is the desktop's sound (miniaudio), set by audio_cgo.go in
// a cgo build; nil in the appliance build.
var desktopPlayer func() (audio.Player, error)

// promptLibrary is the speaker's view of the recordings built into ui/voice.
func promptLibrary(lang, id string) ([]byte, error) {
	return voice.PromptFile(i18n.Lang(lang), id)
}

// speakerVoice is ui.Voice over a speech.Speaker.
type speakerVoice struct{ s *speech.Speaker }

// Say says the prompt of a UI screen (voice.Screens). A screen without one
// (the technician's) stops the prompt playing: it was about the screen the
// citizen left.
func (v speakerVoice) Say(lang, screen string) {
	if screen == "idle" {
		v.s.Say(lang, "idle.title") // the timeout warning is an event prompt
		return
	}
	p, ok := voice.Screens[screen]
	if !ok {
		v.s.Stop()
		return
	}
	v.s.Say(lang, p.ID())
}

func (v speakerVoice) Repeat() { v.s.Repeat() }

func (v speakerVoice) Volume(delta int) int {
	switch {
	case delta > 0:
		return int(v.s.VolumeUp())
	case delta < 0:
		return int(v.s.VolumeDown())
	}
	return int(v.s.Volume())
}

func (v speakerVoice) SetEnabled(on bool) { v.s.SetEnabled(on) }
func (v speakerVoice) Enabled() bool      { return v.s.Enabled() }
