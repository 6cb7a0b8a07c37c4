package main

import (
	"context"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/update"
)

// updateService is cmd/mitra-update's endpoint on the appliance.
const updateService = "http://127.0.0.1:7080"

// usbUpdate is the technician menu's "Update from USB stick" on the
// appliance (the framebuffer display): the stick is mounted read-only and
// its bundle pushed to the update service, which checks the fleet
// signature exactly as for a network update. Elsewhere there is no
// update service, so no button.
func usbUpdate(f flags) func(context.Context) (string, error) {
	if f.display != "fbdev" || f.headless {
		return nil
	}
	return func(ctx context.Context) (string, error) {
		finder := update.USBFinder{Sys: "/sys", Dev: "/dev", Dir: "/run/mitra/usb",
			Mount: update.MountStick, Unmount: update.UnmountStick}
		bundle, release, err := finder.Find()
		if err != nil {
			return "", err
		}
		defer release()
		r, err := update.Push(updateService, bundle, true)
		if err != nil {
			return "", fmt.Errorf("%s: %w", bundle, err)
		}
		return fmt.Sprintf("%s (%v)", r.Message, r.Elapsed.Round(100_000_000)), nil
	}
}
