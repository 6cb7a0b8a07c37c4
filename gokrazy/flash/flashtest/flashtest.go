// Package flashtest builds what the flash package's tests and mitractl's
// need: Mitra disk images whose partition table is the image builder's own,
// and a fake machine (a /sys and /proc tree and a dev/ directory of regular
// files standing in for device nodes) with the disks a technician's laptop
// may have plugged in.
package flashtest

import (
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mitra-kiosk/mitra/gokrazy"
)

// HeaderSize is what PartitionTable returns: the MBR and the primary GPT
// (LBA 0–33).
const HeaderSize = 34 * 512

// headerWriter keeps what gokrazy's layout writes into the first bytes of
// a disk (the MBR and the primary GPT) and drops the backup GPT at the end,
// so a test image can be small.
type headerWriter []byte

func (h headerWriter) WriteAt(p []byte, off int64) (int, error) {
	if off < int64(len(h)) {
		copy(h[off:], p)
	}
	return len(p), nil
}

// PartitionTable returns the first HeaderSize bytes of a disk with layout
// l, exactly as the image builder writes them.
func PartitionTable(t testing.TB, l gokrazy.Layout) []byte {
	t.Helper()
	head := make(headerWriter, HeaderSize)
	if err := l.WritePartitionTable(head); err != nil {
		t.Fatal(err)
	}
	return head
}

// MitraImage writes a Mitra image of size bytes for arch ("amd64",
// "arm64") as dir/name: the builder's partition table, then random bytes.
func MitraImage(t testing.TB, dir, name, arch string, size int64) string {
	t.Helper()
	l, err := gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", arch)
	if err != nil {
		t.Fatal(err)
	}
	return WriteImage(t, dir, name, PartitionTable(t, l), size)
}

// WriteImage writes head and then random bytes up to size as dir/name.
func WriteImage(t testing.TB, dir, name string, head []byte, size int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size-int64(len(head))); err != nil {
		t.Fatal(err)
	}
	return p
}

// Machine is a fake machine's trees: pass Sys and Proc to flash.System;
// Dev holds a regular file per disk and partition, standing in for its
// device node.
type Machine struct {
	Sys, Proc, Dev string
}

// NewMachine builds a machine with these disks:
//
//	sda  8:0   the system disk: sda1 /boot, sda2 under dm-0 (LVM), which is /
//	sdb  8:16  a clean 16 GB USB stick with one partition
//	sdc  8:32  a card whose sdc1 is mounted on /media/tech/MITRA BOOT
//	sdd  8:48  a disk whose sdd1 is an LVM physical volume (held by dm-2)
//	sde  8:64  a 100 MB card
//	mmcblk0 179:0  an SD card with mmcblk0p1
//	dm-0 253:0 and dm-2 253:2  device-mapper volumes
func NewMachine(t testing.TB) Machine {
	t.Helper()
	root := t.TempDir()
	m := Machine{Sys: filepath.Join(root, "sys"), Proc: filepath.Join(root, "proc"), Dev: filepath.Join(root, "dev")}
	sys, proc, dev := m.Sys, m.Proc, m.Dev
	os.MkdirAll(dev, 0o755)
	type blk struct {
		name, parent, majmin string
		sectors              int64
		holders, slaves      []string
		dm                   bool
	}
	for _, b := range []blk{
		{name: "sda", majmin: "8:0", sectors: 500e9 / 512},
		{name: "sda1", parent: "sda", majmin: "8:1"},
		{name: "sda2", parent: "sda", majmin: "8:2", holders: []string{"dm-0"}},
		{name: "sdb", majmin: "8:16", sectors: 16e9 / 512},
		{name: "sdb1", parent: "sdb", majmin: "8:17"},
		{name: "sdc", majmin: "8:32", sectors: 16e9 / 512},
		{name: "sdc1", parent: "sdc", majmin: "8:33"},
		{name: "sdd", majmin: "8:48", sectors: 16e9 / 512},
		{name: "sdd1", parent: "sdd", majmin: "8:49", holders: []string{"dm-2"}},
		{name: "sde", majmin: "8:64", sectors: 100e6 / 500},
		{name: "mmcblk0", majmin: "179:0", sectors: 32e9 / 512},
		{name: "mmcblk0p1", parent: "mmcblk0", majmin: "179:1"},
		{name: "dm-0", majmin: "253:0", sectors: 400e9 / 512, slaves: []string{"sda2"}, dm: true},
		{name: "dm-2", majmin: "253:2", sectors: 16e9 / 512, slaves: []string{"sdd1"}, dm: true},
	} {
		rel := filepath.Join("devices", "pci0000:00", "block", b.name)
		if b.parent != "" {
			rel = filepath.Join("devices", "pci0000:00", "block", b.parent, b.name)
		}
		if b.dm {
			rel = filepath.Join("devices", "virtual", "block", b.name)
		}
		node := filepath.Join(sys, rel)
		os.MkdirAll(node, 0o755)
		os.WriteFile(filepath.Join(node, "dev"), []byte(b.majmin+"\n"), 0o644)
		if b.sectors > 0 {
			os.WriteFile(filepath.Join(node, "size"), []byte(strconv.FormatInt(b.sectors, 10)+"\n"), 0o644)
		}
		if b.parent != "" {
			os.WriteFile(filepath.Join(node, "partition"), []byte("1\n"), 0o644)
		} else if !b.dm {
			os.MkdirAll(filepath.Join(node, "device"), 0o755)
			os.WriteFile(filepath.Join(node, "device", "vendor"), []byte("SanDisk \n"), 0o644)
			os.WriteFile(filepath.Join(node, "device", "model"), []byte("Ultra           \n"), 0o644)
		}
		if b.dm {
			os.MkdirAll(filepath.Join(node, "dm"), 0o755)
		}
		os.MkdirAll(filepath.Join(node, "holders"), 0o755)
		for _, h := range b.holders {
			os.Symlink(filepath.Join("..", "..", "..", "..", "virtual", "block", h), filepath.Join(node, "holders", h))
		}
		os.MkdirAll(filepath.Join(node, "slaves"), 0o755)
		for _, s := range b.slaves {
			os.WriteFile(filepath.Join(node, "slaves", s), nil, 0o644) // only the name matters
		}
		for _, link := range []string{filepath.Join("class", "block", b.name), filepath.Join("dev", "block", b.majmin)} {
			os.MkdirAll(filepath.Join(sys, filepath.Dir(link)), 0o755)
			if err := os.Symlink(filepath.Join("..", "..", rel), filepath.Join(sys, link)); err != nil {
				t.Fatal(err)
			}
		}
		os.WriteFile(filepath.Join(dev, b.name), nil, 0o644)
	}
	os.MkdirAll(filepath.Join(proc, "self"), 0o755)
	os.WriteFile(filepath.Join(proc, "self", "mountinfo"), []byte(`21 26 0:20 / /proc rw,relatime - proc proc rw
26 1 253:0 / / rw,relatime - ext4 /dev/mapper/vg-root rw
27 26 8:1 / /boot rw,relatime - vfat /dev/sda1 rw
28 26 0:30 / /tmp rw - tmpfs tmpfs rw
40 26 8:33 / /media/tech/MITRA\040BOOT rw,nosuid - vfat /dev/sdc1 rw
`), 0o644)
	return m
}
