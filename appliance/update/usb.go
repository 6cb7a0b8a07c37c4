package update

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// BundleSuffix names update bundles on a USB stick: a technician copies
// `mitractl bundle`'s output there as e.g. mitra-2026-12-04.mitra.
const BundleSuffix = ".mitra"

// USBFinder finds an update bundle on a USB stick plugged into the kiosk,
// for the technician menu's "Update from USB stick". The bundle it finds
// goes through the same signature check as a network update: a stick is
// no more trusted than the network.
type USBFinder struct {
	// Sys and Dev are the sysfs and device roots ("/sys", "/dev"); tests
	// point them at fake trees.
	Sys, Dev string
	// Dir is where a stick is mounted, read-only.
	Dir string
	// Mount mounts dev at dir read-only (trying the file systems a stick
	// carries); Unmount undoes it. Mount may be nil when Dir already holds
	// the stick's files (tests).
	Mount   func(dev, dir string) error
	Unmount func(dir string) error
}

// ErrNoStick is returned when no removable disk is plugged in.
var ErrNoStick = errors.New("update: no USB stick found: plug one in (FAT or ext4) with a .mitra bundle at its top level")

// Find returns the path of the newest-named bundle on the first removable
// disk partition that has one, and a release function that unmounts it.
func (f USBFinder) Find() (string, func() error, error) {
	devs, err := f.removablePartitions()
	if err != nil {
		return "", nil, err
	}
	if len(devs) == 0 {
		return "", nil, ErrNoStick
	}
	var tried []string
	for _, dev := range devs {
		path := filepath.Join(f.Dev, dev)
		if f.Mount != nil {
			if err := os.MkdirAll(f.Dir, 0o755); err != nil {
				return "", nil, fmt.Errorf("update: usb: %w", err)
			}
			if err := f.Mount(path, f.Dir); err != nil {
				tried = append(tried, fmt.Sprintf("%s: %v", dev, err))
				continue
			}
		}
		release := func() error {
			if f.Unmount == nil {
				return nil
			}
			return f.Unmount(f.Dir)
		}
		names, _ := filepath.Glob(filepath.Join(f.Dir, "*"+BundleSuffix))
		if len(names) > 0 {
			sort.Strings(names)
			return names[len(names)-1], release, nil
		}
		release()
		tried = append(tried, dev+": no *"+BundleSuffix+" file at the top level")
	}
	return "", nil, fmt.Errorf("update: no update bundle on the USB stick (%s)", strings.Join(tried, "; "))
}

// removablePartitions lists the partitions of removable or USB disks (sdb1, …),
// or the disk itself when it has no partition table (a stick formatted
// whole).
func (f USBFinder) removablePartitions() ([]string, error) {
	disks, err := os.ReadDir(filepath.Join(f.Sys, "block"))
	if err != nil {
		return nil, fmt.Errorf("update: usb: %w", err)
	}
	var out []string
	for _, d := range disks {
		name := d.Name()
		// A stick is a removable disk or any disk on USB: many sticks and
		// card readers report removable=0.
		rem, _ := os.ReadFile(filepath.Join(f.Sys, "block", name, "removable"))
		link, _ := filepath.EvalSymlinks(filepath.Join(f.Sys, "block", name))
		if strings.TrimSpace(string(rem)) != "1" && !strings.Contains(link, "/usb") {
			continue
		}
		parts, _ := os.ReadDir(filepath.Join(f.Sys, "block", name))
		var found []string
		for _, p := range parts {
			if _, err := os.Stat(filepath.Join(f.Sys, "block", name, p.Name(), "partition")); err == nil {
				found = append(found, p.Name())
			}
		}
		sort.Strings(found)
		if len(found) == 0 {
			found = []string{name}
		}
		out = append(out, found...)
	}
	return out, nil
}
