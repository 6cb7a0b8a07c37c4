//go:build !linux

package flash

import (
	"errors"
	"io/fs"
	"os"
)

// errNotLinux: the checks read Linux's sysfs and the writes use Linux
// ioctls; technicians flash from a Linux laptop.
var errNotLinux = errors.New("flash: writing disks needs Linux")

func devNumber(fs.FileInfo) (string, error) { return "", errNotLinux }

func openTarget(d Disk) (*os.File, error) {
	if d.IsBlock {
		return nil, errNotLinux
	}
	return os.OpenFile(d.Path, os.O_WRONLY, 0)
}

func openReadBack(d Disk) (*os.File, string, error) {
	f, err := os.Open(d.Path)
	return f, "page cache not bypassed", err
}

func rereadPartitions(Disk) error { return errNotLinux }

// IsTerminal reports whether w is a terminal; off Linux it says no, and
// progress comes as lines.
func IsTerminal(any) bool { return false }
