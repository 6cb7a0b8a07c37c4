//go:build cgo

package main

import (
	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/malgo"
)

// A desktop build with cgo (make run) plays the prompts through the
// desktop's sound server; the appliance build has no cgo and uses ALSA.
func init() {
	desktopPlayer = func() (audio.Player, error) { return malgo.New(nil) }
}
