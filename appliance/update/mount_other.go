//go:build !linux

package update

import "errors"

// MountBoot is only implemented on Linux, the appliance's kernel.
func MountBoot(dev string) (string, func() error, error) {
	return "", nil, errors.New("update: mounting the boot partition needs Linux")
}
