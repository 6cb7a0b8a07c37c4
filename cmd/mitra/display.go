package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/drivers/display"
	"github.com/mitra-kiosk/mitra/drivers/display/evdev"
	"github.com/mitra-kiosk/mitra/drivers/display/fbdev"
	"github.com/mitra-kiosk/mitra/drivers/display/headless"
	"github.com/mitra-kiosk/mitra/drivers/display/x11"
)

// openDisplay picks the display backend.
func openDisplay(ctx context.Context, f flags, cfg config.Config, logger *log.Logger) (display.Screen, display.Input, error) {
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
	case "fbdev":
		return openFramebuffer(ctx, logger)
	}
	return nil, nil, fmt.Errorf("display %q: use x11, headless or fbdev", backend)
}

func defaultDisplay() string { return "x11" }

// openFramebuffer opens /dev/fb0 and the touch devices. A kiosk whose
// screen is not there yet (unplugged HDMI, a slow driver) logs the reason on
// the log and the serial console and keeps trying rather than exiting into
// a restart loop.
func openFramebuffer(ctx context.Context, logger *log.Logger) (display.Screen, display.Input, error) {
	for {
		s, err := fbdev.Open(&fbdev.Opts{ConsoleTTY: "/dev/tty0"})
		if err == nil {
			sz := s.Size()
			in, err := evdev.Open(evdev.Opts{Width: sz.X, Height: sz.Y, Logf: logger.Printf})
			if err != nil {
				s.Close()
				return nil, nil, err
			}
			console(fmt.Sprintf("MITRA: display %dx%d, touch devices %v", sz.X, sz.Y, in.Devices()))
			return s, in, nil
		}
		msg := fmt.Sprintf("MITRA: no screen yet: %v; retrying", err)
		logger.Print(msg)
		console(msg)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// console writes a line to the serial console, where a technician (and the
// image boot test) reads it: under gokrazy a program's own output goes to a
// ring buffer, not to the console.
func console(line string) {
	c, err := os.OpenFile("/dev/console", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer c.Close()
	fmt.Fprintln(c, line)
}
