package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/diag"
	"github.com/mitra-kiosk/mitra/drivers/display"
	"github.com/mitra-kiosk/mitra/drivers/display/evdev"
	"github.com/mitra-kiosk/mitra/drivers/display/fbdev"
	"github.com/mitra-kiosk/mitra/drivers/display/headless"
	"github.com/mitra-kiosk/mitra/drivers/display/x11"
)

// openDisplay picks the display backend.
// Its state goes on board for the diag report.
func openDisplay(ctx context.Context, f flags, cfg config.Config, board *diag.Board, logger *log.Logger) (display.Screen, display.Input, error) {
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
		board.Set("display", diag.OK, fmt.Sprintf("headless %dx%d (in memory, no screen)", w, h))
		return headless.New(w, h), nil, nil
	case "x11":
		win, err := x11.Open(os.Getenv("DISPLAY"), w, h, f.fullscreen, "Mitra — e-Mitra Plus kiosk")
		if err != nil {
			return nil, nil, fmt.Errorf("display: %w (is DISPLAY set? try -headless)", err)
		}
		board.Set("display", diag.OK, fmt.Sprintf("X11 window %dx%d", w, h))
		return win, win, nil
	case "fbdev":
		return openFramebuffer(ctx, cfg.Display.Touch, board, logger)
	}
	return nil, nil, fmt.Errorf("display %q: use x11, headless or fbdev", backend)
}

func defaultDisplay() string { return "x11" }

// openFramebuffer opens /dev/fb0 and the touch devices. A kiosk whose
// screen is not there yet (unplugged HDMI, a slow driver) logs the reason on
// the log and the serial console and keeps trying rather than exiting into
// a restart loop.
func openFramebuffer(ctx context.Context, tc config.Touch, board *diag.Board, logger *log.Logger) (display.Screen, display.Input, error) {
	for {
		s, err := fbdev.Open(&fbdev.Opts{ConsoleTTY: "/dev/tty0"})
		if err == nil {
			sz := s.Size()
			board.Set("display", diag.OK, fmt.Sprintf("/dev/fb0 %dx%d", sz.X, sz.Y))

			opts := evdev.Opts{Width: sz.X, Height: sz.Y, Logf: logger.Printf,
				SwapXY: tc.SwapXY, InvertX: tc.InvertX, InvertY: tc.InvertY, Rotate: tc.Rotate}
			opts.Calibration.X = evdev.Axis{Min: tc.MinX, Max: tc.MaxX}
			opts.Calibration.Y = evdev.Axis{Min: tc.MinY, Max: tc.MaxY}
			in, err := evdev.Open(opts)
			if err != nil {
				board.Set("touch", diag.Failed, err.Error())
				s.Close()
				return nil, nil, err
			}
			board.Watch("touch", func() (diag.State, string) {
				// evdev rescans, so a touch panel plugged in late shows up.
				kbd := ""
				if k := in.Keyboards(); len(k) > 0 {
					kbd = "; keyboard " + strings.Join(k, ", ")
				}
				if devs := in.TouchDevices(); len(devs) > 0 {
					return diag.OK, strings.Join(devs, ", ") + kbd
				}
				return diag.Failed, "no touch device found among /dev/input/event*" + kbd
			})
			console(fmt.Sprintf("MITRA: display %dx%d, touch devices %v, keyboards %v", sz.X, sz.Y, in.TouchDevices(), in.Keyboards()))
			return s, in, nil
		}
		board.Set("display", diag.Failed, fmt.Sprintf("%v: retrying every %s", err, screenRetry))
		msg := fmt.Sprintf("MITRA: no screen yet: %v; retrying", err)
		logger.Print(msg)
		console(msg)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(screenRetry):
		}
	}
}

// screenRetry is how often a kiosk without a screen tries /dev/fb0 again.
const screenRetry = 2 * time.Second

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
