package update

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Partition numbers of gokrazy's layout.
const (
	bootPartition = 1
	rootA         = 2
	rootB         = 3
)

// System names the kernel interfaces partition discovery reads; tests
// point them at a fake tree. No udev runs on gokrazy, so /dev nodes are
// devtmpfs's names for what /sys/block lists.
type System struct {
	Cmdline  string // /proc/cmdline
	SysBlock string // /sys/block
	Dev      string // /dev
}

// DefaultSystem is the running kernel's.
var DefaultSystem = System{Cmdline: "/proc/cmdline", SysBlock: "/sys/block", Dev: "/dev"}

// Disk is where the running root is and where an update goes.
type Disk struct {
	Device   string // whole disk, /dev/sda
	Boot     string // partition 1, /dev/sda1
	Active   int    // 2 or 3: the root the kernel mounted
	Inactive int    // the other one, the update target
	// partitions maps partition numbers to device nodes.
	partitions map[int]string
}

// Partition returns the device node of partition n.
func (d *Disk) Partition(n int) string { return d.partitions[n] }

// Slot is a root's letter: "a" for partition 2, "b" for partition 3.
func Slot(partition int) string {
	if partition == rootB {
		return "b"
	}
	return "a"
}

var (
	// gokrazy's GPT form: the boot partition's GUID plus an offset.
	partnroffRe = regexp.MustCompile(`(?:^|\s)root=PARTUUID=([0-9a-fA-F-]{36})/PARTNROFF=([0-9]+)(?:\s|$)`)
	// A plain device node, as on hand-made images.
	devRootRe = regexp.MustCompile(`(?:^|\s)root=/dev/([a-z0-9]+?)(p?)([0-9]+)(?:\s|$)`)
)

// FindDisk reads the kernel command line's root= and finds the disk that
// holds it: root=PARTUUID=<boot GUID>/PARTNROFF=N (Mitra's and gokrazy's
// images) is matched against the first GPT entry of every disk in
// /sys/block; root=/dev/sdaN names the disk directly.
func (s System) FindDisk() (*Disk, error) {
	b, err := os.ReadFile(s.Cmdline)
	if err != nil {
		return nil, fmt.Errorf("update: root device: %w", err)
	}
	cmdline := string(b)
	var disk string
	var active int
	if m := partnroffRe.FindStringSubmatch(cmdline); m != nil {
		off, _ := strconv.Atoi(m[2])
		active = bootPartition + off
		guid, err := parseGUID(m[1])
		if err != nil {
			return nil, fmt.Errorf("update: root device: %w", err)
		}
		if disk, err = s.diskWithFirstPartition(guid); err != nil {
			return nil, err
		}
	} else if m := devRootRe.FindStringSubmatch(cmdline); m != nil {
		disk = m[1]
		active, _ = strconv.Atoi(m[3])
	} else {
		return nil, fmt.Errorf("update: root device: no root=PARTUUID=…/PARTNROFF=N or root=/dev/… in %q", strings.TrimSpace(cmdline))
	}
	if active != rootA && active != rootB {
		return nil, fmt.Errorf("update: root device: running from partition %d, not root A (2) or B (3)", active)
	}
	parts, err := s.partitions(disk)
	if err != nil {
		return nil, err
	}
	d := &Disk{Device: filepath.Join(s.Dev, disk), Active: active, Inactive: rootA + rootB - active, partitions: parts}
	for _, n := range []int{bootPartition, rootA, rootB} {
		if parts[n] == "" {
			return nil, fmt.Errorf("update: root device: %s has no partition %d", d.Device, n)
		}
	}
	d.Boot = parts[bootPartition]
	return d, nil
}

// partitions lists /sys/block/<disk>/<part>/partition, the kernel's own
// partition numbers, so nvme0n1p3 and sda3 need no naming rules.
func (s System) partitions(disk string) (map[int]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.SysBlock, disk))
	if err != nil {
		return nil, fmt.Errorf("update: root device: %w", err)
	}
	parts := make(map[int]string)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(s.SysBlock, disk, e.Name(), "partition"))
		if err != nil {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			parts[n] = filepath.Join(s.Dev, e.Name())
		}
	}
	return parts, nil
}

// diskWithFirstPartition returns the disk whose first GPT entry has the
// unique GUID guid. gokrazy keeps the last match when two disks carry the
// same image; Mitra refuses, since writing the wrong disk's root is worse
// than not updating.
func (s System) diskWithFirstPartition(guid [16]byte) (string, error) {
	ents, err := os.ReadDir(s.SysBlock)
	if err != nil {
		return "", fmt.Errorf("update: root device: %w", err)
	}
	var found []string
	for _, e := range ents {
		g, err := firstPartitionGUID(filepath.Join(s.Dev, e.Name()), s.sectorSize(e.Name()))
		if err == nil && g == guid {
			found = append(found, e.Name())
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("update: root device: no disk in %s has a first partition %s", s.SysBlock, formatGUID(guid))
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("update: root device: disks %v all carry partition %s (two copies of one image plugged in?)", found, formatGUID(guid))
}

func (s System) sectorSize(disk string) int64 {
	b, err := os.ReadFile(filepath.Join(s.SysBlock, disk, "queue", "logical_block_size"))
	if err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n >= 512 {
			return n
		}
	}
	return 512
}

// firstPartitionGUID reads the unique GUID of the first entry of the
// primary GPT (UEFI 2.10 §5.3: header at LBA 1, "EFI PART", entry array
// LBA at byte 72; entry: unique GUID at byte 16).
func firstPartitionGUID(dev string, sector int64) ([16]byte, error) {
	var g [16]byte
	f, err := os.Open(dev)
	if err != nil {
		return g, err
	}
	defer f.Close()
	hdr := make([]byte, 92)
	if _, err := f.ReadAt(hdr, sector); err != nil {
		return g, err
	}
	if string(hdr[:8]) != "EFI PART" {
		return g, fmt.Errorf("%s: no GPT", dev)
	}
	entries := int64(binary.LittleEndian.Uint64(hdr[72:]))
	if _, err := f.ReadAt(g[:], entries*sector+16); err != nil && err != io.EOF {
		return g, err
	}
	return g, nil
}

// parseGUID turns the textual GUID into GPT's mixed-endian bytes.
func parseGUID(s string) ([16]byte, error) {
	var g [16]byte
	h, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(h) != 16 || len(s) != 36 {
		return g, fmt.Errorf("bad GUID %q", s)
	}
	// The first three groups are little-endian on disk.
	g[0], g[1], g[2], g[3] = h[3], h[2], h[1], h[0]
	g[4], g[5] = h[5], h[4]
	g[6], g[7] = h[7], h[6]
	copy(g[8:], h[8:])
	return g, nil
}

func formatGUID(g [16]byte) string {
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x", g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8:10], g[10:])
}
