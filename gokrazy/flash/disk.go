package flash

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// System locates the kernel's view of block devices and mounts.
type System struct {
	Sys  string // sysfs root, "/sys"
	Proc string // procfs root, "/proc"
}

// Host is the running system.
var Host = System{Sys: "/sys", Proc: "/proc"}

// bootMounts are the mount points whose disks are never written: the
// system running mitractl lives there.
var bootMounts = []string{"/", "/boot", "/boot/efi"}

// Refusal is a reason not to write, as one line that says what to do.
type Refusal struct{ Msg string }

func (r *Refusal) Error() string { return r.Msg }

func refusef(format string, args ...any) error {
	return &Refusal{Msg: fmt.Sprintf(format, args...)}
}

// Disk is a target that passed Inspect.
type Disk struct {
	Path string
	// Name is the kernel's name ("sdb", "mmcblk0", "loop3"), or the file
	// name of a plain file.
	Name string
	// Size is the capacity in bytes; 0 for a plain file, which grows.
	Size int64
	// Model is the vendor and model sysfs reports, for the confirmation
	// prompt; empty when unknown.
	Model   string
	IsBlock bool
}

// Inspect checks that path is a whole disk that may be overwritten with an
// image of imageSize bytes, and refuses otherwise (see the package
// comment). allowFile lets a regular file stand in for a disk (tests,
// making a copy of an image); a file whose name sysfs knows (the tests' fake
// tree) gets every disk check.
func (s System) Inspect(path string, imageSize int64, allowFile bool) (Disk, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Disk{}, refusef("no device %s (%v); list the disks with `lsblk -d -o NAME,SIZE,MODEL,TRAN`", path, errors.Unwrap(err))
	}
	d := Disk{Path: path, Name: filepath.Base(path)}
	var node string // the device's sysfs directory, /sys/devices/…/block/sdb
	switch mode := st.Mode(); {
	case mode&fs.ModeDevice != 0 && mode&fs.ModeCharDevice == 0:
		d.IsBlock = true
		majmin, err := devNumber(st)
		if err != nil {
			return Disk{}, err
		}
		node, err = filepath.EvalSymlinks(filepath.Join(s.Sys, "dev", "block", majmin))
		if err != nil {
			return Disk{}, fmt.Errorf("flash: %s (%s) is not in sysfs: %w", path, majmin, err)
		}
	case mode.IsRegular():
		if !allowFile {
			return Disk{}, refusef("%s is a regular file, not a disk; give the card's block device, e.g. --device /dev/sdb (`lsblk` lists them)", path)
		}
		if n, err := filepath.EvalSymlinks(filepath.Join(s.Sys, "class", "block", d.Name)); err == nil {
			node = n
		}
	default:
		return Disk{}, refusef("%s is not a block device; give the card's whole disk, e.g. --device /dev/sdb (`lsblk` lists them)", path)
	}
	if node != "" {
		if err := s.checkDisk(&d, node); err != nil {
			return Disk{}, err
		}
	}
	if d.Size > 0 && d.Size < imageSize {
		return Disk{}, refusef("%s holds %s but the image is %s; use a card of at least %s", path, mb(d.Size), mb(imageSize), mb(imageSize))
	}
	return d, nil
}

// checkDisk applies the sysfs and mountinfo checks to the device whose
// sysfs directory is node, and fills in d's name, size and model.
func (s System) checkDisk(d *Disk, node string) error {
	d.Name = filepath.Base(node)
	if exists(filepath.Join(node, "partition")) {
		disk := filepath.Base(filepath.Dir(node))
		return refusef("%s is a partition of %s; give the whole disk: --device %s", d.Path, disk, filepath.Join(filepath.Dir(d.Path), disk))
	}
	if exists(filepath.Join(node, "dm")) || exists(filepath.Join(node, "md")) {
		return refusef("%s is a device-mapper or RAID volume, not a disk; give the card's whole disk, e.g. --device /dev/sdb", d.Path)
	}
	mounts, err := s.mounts()
	if err != nil {
		return err
	}
	for _, m := range bootMounts {
		for _, dev := range mounts.devsAt(m) {
			if slices.Contains(s.disksOf(dev), d.Name) {
				return refusef("%s is the disk this computer runs from (it holds %s); give the card's disk instead", d.Path, m)
			}
		}
	}
	parts := append([]string{node}, s.partitions(node)...)
	for _, p := range parts {
		dev, _ := readLine(filepath.Join(p, "dev"))
		if mp := mounts.at[dev]; len(mp) > 0 {
			return refusef("%s is mounted on %s; unmount it first: umount %s", filepath.Join(filepath.Dir(d.Path), filepath.Base(p)), mp[0], mp[0])
		}
		if h := list(filepath.Join(p, "holders")); len(h) > 0 {
			return refusef("%s is in use by %s (LVM, RAID or an encrypted volume); deactivate that first (vgchange -an, mdadm --stop, cryptsetup close)",
				filepath.Join(filepath.Dir(d.Path), filepath.Base(p)), strings.Join(h, ", "))
		}
	}
	if v, err := readLine(filepath.Join(node, "size")); err == nil {
		// sysfs counts 512-byte sectors whatever the device's sector size.
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("flash: %s/size: %w", node, err)
		}
		d.Size = n * 512
	}
	vendor, _ := readLine(filepath.Join(node, "device", "vendor"))
	model, _ := readLine(filepath.Join(node, "device", "model"))
	d.Model = strings.TrimSpace(vendor + " " + model)
	return nil
}

// partitions returns the sysfs directories of node's partitions.
func (s System) partitions(node string) []string {
	var ps []string
	for _, n := range list(node) {
		if exists(filepath.Join(node, n, "partition")) {
			ps = append(ps, filepath.Join(node, n))
		}
	}
	return ps
}

// disksOf returns the names of the whole disks under the block device
// majmin: its own disk, its parent when it is a partition, and the disks
// under its slaves when it is an LVM, RAID or dm-crypt volume.
func (s System) disksOf(majmin string) []string {
	node, err := filepath.EvalSymlinks(filepath.Join(s.Sys, "dev", "block", majmin))
	if err != nil {
		return nil // not a block device (overlay, tmpfs, NFS)
	}
	return s.disksOfNode(node, 0)
}

func (s System) disksOfNode(node string, depth int) []string {
	if depth > 8 { // stacked volumes are a few levels deep; a loop is a broken tree
		return nil
	}
	if exists(filepath.Join(node, "partition")) {
		node = filepath.Dir(node)
	}
	disks := []string{filepath.Base(node)}
	for _, sl := range list(filepath.Join(node, "slaves")) {
		if n, err := filepath.EvalSymlinks(filepath.Join(s.Sys, "class", "block", sl)); err == nil {
			disks = append(disks, s.disksOfNode(n, depth+1)...)
		}
	}
	return disks
}

// mountTable maps "MAJ:MIN" to mount points, from mountinfo.
type mountTable struct {
	at map[string][]string
}

func (t mountTable) devsAt(mountPoint string) []string {
	var devs []string
	for dev, mps := range t.at {
		if slices.Contains(mps, mountPoint) {
			devs = append(devs, dev)
		}
	}
	return devs
}

// mounts parses /proc/self/mountinfo: field 3 is the device's MAJ:MIN,
// field 5 the mount point with spaces escaped as \040 (proc(5)).
func (s System) mounts() (mountTable, error) {
	f, err := os.Open(filepath.Join(s.Proc, "self", "mountinfo"))
	if err != nil {
		return mountTable{}, fmt.Errorf("flash: cannot tell what is mounted: %w", err)
	}
	defer f.Close()
	t := mountTable{at: map[string][]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(fields[4])
		t.at[fields[2]] = append(t.at[fields[2]], mp)
	}
	if err := sc.Err(); err != nil {
		return mountTable{}, fmt.Errorf("flash: mountinfo: %w", err)
	}
	return t, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func list(dir string) []string {
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func readLine(p string) (string, error) {
	b, err := os.ReadFile(p)
	return strings.TrimSpace(string(b)), err
}

// mb formats a byte count in decimal megabytes or gigabytes, the units on
// a card's label.
func mb(n int64) string {
	if n >= 1e9 {
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
