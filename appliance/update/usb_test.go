package update

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSys builds /sys/block entries: disk → removable flag and partitions.
func fakeSys(t *testing.T, disks map[string][]string, removable map[string]bool) string {
	t.Helper()
	sys := t.TempDir()
	for d, parts := range disks {
		dir := filepath.Join(sys, "block", d)
		os.MkdirAll(dir, 0o755)
		flag := "0\n"
		if removable[d] {
			flag = "1\n"
		}
		os.WriteFile(filepath.Join(dir, "removable"), []byte(flag), 0o644)
		for _, p := range parts {
			os.MkdirAll(filepath.Join(dir, p), 0o755)
			os.WriteFile(filepath.Join(dir, p, "partition"), []byte("1\n"), 0o644)
		}
	}
	return sys
}

func TestUSBFinder(t *testing.T) {
	sys := fakeSys(t, map[string][]string{"sda": {"sda1", "sda2", "sda3", "sda4"}, "sdb": {"sdb1", "sdb2"}},
		map[string]bool{"sdb": true})
	sticks := map[string]string{} // device → directory holding its files
	for _, p := range []string{"sdb1", "sdb2"} {
		sticks["/dev/"+p] = t.TempDir()
	}
	os.WriteFile(filepath.Join(sticks["/dev/sdb2"], "mitra-2026-11-01.mitra"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(sticks["/dev/sdb2"], "mitra-2026-12-04.mitra"), []byte("new"), 0o644)
	os.WriteFile(filepath.Join(sticks["/dev/sdb1"], "photo.jpg"), []byte("x"), 0o644)
	mountDir := t.TempDir()
	var mounted []string
	f := USBFinder{Sys: sys, Dev: "/dev", Dir: mountDir,
		Mount: func(dev, dir string) error {
			src, ok := sticks[dev]
			if !ok {
				return errors.New("not a stick")
			}
			mounted = append(mounted, dev)
			os.Remove(dir)
			return os.Symlink(src, dir)
		},
		Unmount: func(dir string) error { return os.Remove(dir) },
	}
	path, release, err := f.Find()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("found %s (%q), want the newest-named bundle", path, b)
	}
	if strings.Join(mounted, " ") != "/dev/sdb1 /dev/sdb2" {
		t.Errorf("mounted %v: only the removable disk's partitions, in order", mounted)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
}

func TestUSBFinderRefusals(t *testing.T) {
	// No removable disk: the system disk is never searched.
	sys := fakeSys(t, map[string][]string{"sda": {"sda1"}}, nil)
	_, _, err := USBFinder{Sys: sys, Dev: "/dev", Dir: t.TempDir()}.Find()
	if !errors.Is(err, ErrNoStick) {
		t.Fatalf("no stick: %v", err)
	}
	// A USB disk that says it is not removable (many sticks do) is found
	// by its sysfs path.
	sys = t.TempDir()
	dev := filepath.Join(sys, "devices", "pci0000:00", "0000:00:14.0", "usb2", "2-1", "host6", "block", "sdd")
	os.MkdirAll(dev, 0o755)
	os.WriteFile(filepath.Join(dev, "removable"), []byte("0\n"), 0o644)
	os.MkdirAll(filepath.Join(sys, "block"), 0o755)
	os.Symlink(dev, filepath.Join(sys, "block", "sdd"))
	dir0 := t.TempDir()
	os.WriteFile(filepath.Join(dir0, "u.mitra"), []byte("b"), 0o644)
	if p, _, err := (USBFinder{Sys: sys, Dev: "/dev", Dir: dir0}).Find(); err != nil || filepath.Base(p) != "u.mitra" {
		t.Fatalf("USB disk with removable=0: %q, %v", p, err)
	}
	// A stick without a bundle, formatted whole (no partition table).
	sys = fakeSys(t, map[string][]string{"sdc": nil}, map[string]bool{"sdc": true})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	_, _, err = USBFinder{Sys: sys, Dev: "/dev", Dir: dir}.Find()
	if err == nil || !strings.Contains(err.Error(), "sdc: no *.mitra file") {
		t.Fatalf("stick without a bundle: %v", err)
	}
}
