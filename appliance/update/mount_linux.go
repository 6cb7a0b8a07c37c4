package update

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// bootMountPoint is on /run (a tmpfs gokrazy mounts), so a crash never
// leaves a stale mount point on the read-only root.
const bootMountPoint = "/run/mitra/boot"

// MountBoot mounts the boot partition's FAT read-write at bootMountPoint
// with the kernel's vfat driver (which writes long names and keeps the FAT
// consistent) and returns an unmount function that flushes it.
func MountBoot(dev string) (string, func() error, error) {
	if err := os.MkdirAll(bootMountPoint, 0o755); err != nil {
		return "", nil, fmt.Errorf("update: mount boot: %w", err)
	}
	// A mount left by a killed earlier run is reused.
	unix.Unmount(bootMountPoint, 0)
	if err := unix.Mount(dev, bootMountPoint, "vfat", unix.MS_NOATIME|unix.MS_SYNCHRONOUS, ""); err != nil {
		return "", nil, fmt.Errorf("update: mount %s (vfat) on %s: %w", dev, bootMountPoint, err)
	}
	return bootMountPoint, func() error {
		unix.Sync()
		if err := unix.Unmount(bootMountPoint, 0); err != nil {
			return fmt.Errorf("update: unmount boot: %w", err)
		}
		return nil
	}, nil
}
