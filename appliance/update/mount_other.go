//go:build !linux

package update

import "errors"

// MountBoot is only implemented on Linux, the appliance's kernel.
func MountBoot(dev string) (string, func() error, error) {
	return "", nil, errors.New("update: mounting the boot partition needs Linux")
}

// MountStick is only implemented on Linux, the appliance's kernel.
func MountStick(dev, dir string) error { return errors.New("update: mounting a USB stick needs Linux") }

// UnmountStick is only implemented on Linux.
func UnmountStick(dir string) error { return errors.New("update: unmounting needs Linux") }
