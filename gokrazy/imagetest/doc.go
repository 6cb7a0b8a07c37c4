// Package imagetest holds the appliance image's end-to-end test: it builds
// a disk image with the gokrazy builder, boots it in QEMU (UEFI, TCG),
// waits for the display's first frame marker on the serial console, taps
// the screen through QMP and checks that the screen changed.
//
// The test runs wherever qemu-system-x86_64, OVMF, systemd-boot and
// mkfs.ext4 are installed; under CI=true their absence is a failure, not a
// skip. probe/ is the stand-in kiosk the default test boots (fbdev + evdev,
// the same appliance display path cmd/mitra uses).
//
// TestUpdateRollback (update.toml: the probe plus cmd/mitra-update) pushes
// signed bundles over QEMU's user network: a root whose kiosk never becomes
// healthy must be rolled back by systemd-boot's boot counting, a good one
// must bless itself and survive a reset. It prints the update time and the
// reboot-to-healthy time.
package imagetest

// InitMarker is the first line gokrazy's init prints on the console: the
// kernel has mounted the root and started init (works with "quiet", which
// hides the kernel's own "Run /gokrazy/init" line).
const InitMarker = "gokrazy build timestamp"

// KioskFirstFrame is the line cmd/mitra writes to /dev/console when its
// first frame is on the framebuffer.
const KioskFirstFrame = "MITRA: first frame"
