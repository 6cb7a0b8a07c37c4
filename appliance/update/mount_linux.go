package update

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// bootMountPoint is on /run (a tmpfs gokrazy mounts), so a crash never
// leaves a stale mount point on the read-only root.
const bootMountPoint = "/run/mitra/boot"

// bootMu serialises the installer, the agent and status requests on the
// one mount point: each mounts, edits and unmounts, and a second mount
// would otherwise unmount the first's file system under it.
var bootMu sync.Mutex

// MountBoot mounts the boot partition's FAT read-write at bootMountPoint
// with the kernel's vfat driver (which writes long names and keeps the FAT
// consistent) and returns an unmount function that flushes it. Callers
// hold the mount until they call unmount; others wait.
func MountBoot(dev string) (string, func() error, error) {
	bootMu.Lock()
	if err := os.MkdirAll(bootMountPoint, 0o755); err != nil {
		bootMu.Unlock()
		return "", nil, fmt.Errorf("update: mount boot: %w", err)
	}
	// A mount left by a killed earlier run is removed first.
	unix.Unmount(bootMountPoint, 0)
	if err := unix.Mount(dev, bootMountPoint, "vfat", unix.MS_NOATIME|unix.MS_SYNCHRONOUS, ""); err != nil {
		bootMu.Unlock()
		return "", nil, fmt.Errorf("update: mount %s (vfat) on %s: %w", dev, bootMountPoint, err)
	}
	return bootMountPoint, func() error {
		defer bootMu.Unlock()
		unix.Sync()
		if err := unix.Unmount(bootMountPoint, 0); err != nil {
			return fmt.Errorf("update: unmount boot: %w", err)
		}
		return nil
	}, nil
}

// MountStick mounts a USB stick's file system read-only at dir: FAT (what
// sticks come with) or ext4.
func MountStick(dev, dir string) error {
	var errs []string
	for _, fs := range []string{"vfat", "ext4"} {
		err := unix.Mount(dev, dir, fs, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
		if err == nil {
			return nil
		}
		errs = append(errs, fs+": "+err.Error())
	}
	return fmt.Errorf("mount %s: %s", dev, strings.Join(errs, ", "))
}

// UnmountStick unmounts what MountStick mounted.
func UnmountStick(dir string) error { return unix.Unmount(dir, 0) }
