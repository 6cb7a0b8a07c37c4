package main

import (
	"fmt"
	"os"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/drivers/display"
	"github.com/mitra-kiosk/mitra/drivers/display/headless"
	"github.com/mitra-kiosk/mitra/drivers/display/x11"
)

// openDisplay picks the display backend.
func openDisplay(f flags, cfg config.Config) (display.Screen, display.Input, error) {
	backend := f.display
	if f.headless {
		backend = "headless"
	}
	if backend == "" {
		backend = defaultDisplay()
	}
	w, h := cfg.Display.Width, cfg.Display.Height
	switch backend {
	case "headless":
		return headless.New(w, h), nil, nil
	case "x11":
		win, err := x11.Open(os.Getenv("DISPLAY"), w, h, f.fullscreen, "Mitra — e-Mitra Plus kiosk")
		if err != nil {
			return nil, nil, fmt.Errorf("display: %w (is DISPLAY set? try -headless)", err)
		}
		return win, win, nil
	}
	return nil, nil, fmt.Errorf("display %q: use x11 or headless", backend)
}

func defaultDisplay() string { return "x11" }
