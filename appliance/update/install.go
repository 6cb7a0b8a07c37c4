package update

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// DefaultTries is the boot counter of a new root: the loader boots it at
// most this many times without a blessing before it falls back.
const DefaultTries = 3

// wipeBytes are zeroed at the start of a root partition whose content
// failed verification, so neither the kernel nor a later look at the
// partition mistakes it for a SquashFS (its superblock is at byte 0).
const wipeBytes = 64 << 10

// Installer writes verified bundles to the inactive root.
type Installer struct {
	// PublicKey is the fleet key; nil refuses every bundle.
	PublicKey ed25519.PublicKey
	// Arch is the kiosk's GOARCH; a bundle for another is refused.
	Arch string
	// System locates the root partitions; zero means DefaultSystem.
	System System
	// Boot mounts the boot partition and returns its directory and an
	// unmount function; nil means MountBoot.
	Boot func(dev string) (dir string, unmount func() error, err error)
	// Tries is the new entry's boot counter; 0 means DefaultTries.
	Tries int
	// Log receives one line per step; nil discards them.
	Log func(format string, args ...any)
}

func (in *Installer) logf(format string, args ...any) {
	if in.Log != nil {
		in.Log(format, args...)
	}
}

// Result describes one installation.
type Result struct {
	Header    *Header
	Partition string // the device written, /dev/sda3
	Slot      string // "a" or "b"
	Entry     string // the new boot entry's file name
	Written   int64
	Verify    time.Duration // reading and checking the header
	Write     time.Duration // streaming, hashing and fsync of the root
	Switch    time.Duration // boot entry
}

// Install reads a bundle from r and installs it to the inactive root:
//
//   - it verifies the header's signature before writing anything;
//   - removes the inactive root's boot entry, so it is never booted half
//     written;
//   - streams the root to the inactive partition while hashing it, and
//     fsyncs;
//   - on a hash or length mismatch wipes the partition's start and returns
//     an error wrapping ErrCorrupt: no entry points at it;
//   - otherwise adds the root's trial entry (boot counter Tries), which the
//     loader boots next.
//
// The caller reboots (without kexec) to start the new root.
func (in *Installer) Install(r io.Reader) (*Result, error) {
	begin := time.Now()
	if len(in.PublicKey) == 0 {
		return nil, fmt.Errorf("update: %w: no fleet public key on this kiosk (%s): updates are disabled; nothing was written", ErrRefused, DefaultPublicKeyFile)
	}
	h, err := ReadHeader(r, in.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w; nothing was written", err)
	}
	if in.Arch != "" && h.Arch != in.Arch {
		return nil, fmt.Errorf("update: %w: bundle %q is for %s, this kiosk is %s; nothing was written", ErrRefused, h.BuildID, h.Arch, in.Arch)
	}
	sys := in.System
	if sys.Cmdline == "" {
		sys = DefaultSystem
	}
	disk, err := sys.FindDisk()
	if err != nil {
		return nil, fmt.Errorf("%w; nothing was written", err)
	}
	res := &Result{Header: h, Partition: disk.Partition(disk.Inactive), Slot: Slot(disk.Inactive), Verify: time.Since(begin)}
	target, err := os.OpenFile(res.Partition, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("update: %w; nothing was written", err)
	}
	defer target.Close()
	size, err := target.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("update: %s: %w; nothing was written", res.Partition, err)
	}
	if h.RootLength > uint64(size) {
		return nil, fmt.Errorf("update: %w: root of %d bytes does not fit %s (%d bytes); nothing was written", ErrRefused, h.RootLength, res.Partition, size)
	}
	if _, err := target.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("update: %s: %w", res.Partition, err)
	}

	// The boot partition is mounted only around its own edits, not during
	// the long write of the root.
	var running Entry
	err = in.withBoot(disk.Boot, func(boot string) error {
		es, err := ReadEntries(boot)
		if err != nil {
			return fmt.Errorf("%w (boot file system holds %s); nothing was written", err, listDir(boot))
		}
		in.logf("verified %q signed by %x; boot entries: %s", h.BuildID, h.KeyID, names(es))
		var ok bool
		running, ok = SlotEntry(es, Slot(disk.Active))
		if !ok {
			return fmt.Errorf("update: %w: the running root %s has no boot entry (entries: %s); nothing was written", ErrRefused, strings.ToUpper(Slot(disk.Active)), names(es))
		}
		if running.Counted {
			return fmt.Errorf("update: %w: the running root %s is itself on trial (%s) and not yet healthy; nothing was written", ErrRefused, strings.ToUpper(running.Slot), running.Name)
		}
		// Entry versions are signing times (the image's build time for
		// root A as built), so an older signed bundle cannot be replayed
		// over a newer root; re-signing an old build is the deliberate way
		// back.
		if h.Created.Unix() <= int64(running.Version) {
			return fmt.Errorf("update: %w: bundle %q was signed %s, not after the running root %s (version %d, %s): replaying an older bundle is refused, sign it again to install it; nothing was written", ErrRefused,
				h.BuildID, h.Created.UTC().Format(time.RFC3339), strings.ToUpper(running.Slot), running.Version, time.Unix(int64(running.Version), 0).UTC().Format(time.RFC3339))
		}
		return RemoveSlot(boot, res.Slot)
	})
	if err != nil {
		return nil, err
	}

	writeBegin := time.Now()
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(target, hash), io.LimitReader(r, int64(h.RootLength)))
	res.Written = n
	if err != nil {
		wipe(target)
		return nil, fmt.Errorf("update: writing %s: %w (partition wiped, still running root %s)", res.Partition, err, strings.ToUpper(running.Slot))
	}
	if err := target.Sync(); err != nil {
		wipe(target)
		return nil, fmt.Errorf("update: fsync %s: %w", res.Partition, err)
	}
	var extra [1]byte
	m, _ := io.ReadFull(r, extra[:])
	switch {
	case uint64(n) < h.RootLength:
		wipe(target)
		return nil, fmt.Errorf("update: %w: truncated: %d of %d bytes (partition %s wiped, still running root %s)", ErrCorrupt, n, h.RootLength, res.Partition, strings.ToUpper(running.Slot))
	case m > 0:
		wipe(target)
		return nil, fmt.Errorf("update: %w: data after the %d signed bytes (partition %s wiped, still running root %s)", ErrCorrupt, h.RootLength, res.Partition, strings.ToUpper(running.Slot))
	case !bytes.Equal(hash.Sum(nil), h.RootSHA256[:]):
		wipe(target)
		return nil, fmt.Errorf("update: %w: sha256 %x, signed %x (partition %s wiped, still running root %s)", ErrCorrupt, hash.Sum(nil), h.RootSHA256, res.Partition, strings.ToUpper(running.Slot))
	}
	if err := target.Close(); err != nil {
		return nil, fmt.Errorf("update: %s: %w", res.Partition, err)
	}
	res.Write = time.Since(writeBegin)
	in.logf("wrote and verified %d bytes to %s in %v", n, res.Partition, res.Write.Round(time.Millisecond))

	switchBegin := time.Now()
	tries := in.Tries
	if tries == 0 {
		tries = DefaultTries
	}
	title := fmt.Sprintf("Mitra %s (root %s)", h.BuildID, strings.ToUpper(res.Slot))
	err = in.withBoot(disk.Boot, func(boot string) error {
		e, err := AddTrial(boot, res.Slot, tries, title, running.Options, int(h.Created.Unix()))
		if err != nil {
			return fmt.Errorf("%w (boot file system holds %s)", err, listDir(boot))
		}
		res.Entry = e.Name
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Switch = time.Since(switchBegin)
	return res, nil
}

// withBoot runs f with the boot partition mounted and unmounts it after.
func (in *Installer) withBoot(dev string, f func(boot string) error) error {
	return withBoot(in.Boot, dev, f)
}

// withBoot runs f with boot partition dev mounted by mount (nil: MountBoot)
// and unmounts it after, whatever f returned; an unmount failure is the
// error when f succeeded. The boot partition is FAT: it stays mounted only
// around its own edits.
func withBoot(mount func(dev string) (string, func() error, error), dev string, f func(boot string) error) error {
	if mount == nil {
		mount = MountBoot
	}
	boot, unmount, err := mount(dev)
	if err != nil {
		return err
	}
	err = f(boot)
	if uerr := unmount(); err == nil && uerr != nil {
		err = fmt.Errorf("update: unmount boot: %w", uerr)
	}
	return err
}

// wipe zeroes the start of a partition that failed verification.
func wipe(f *os.File) {
	f.WriteAt(make([]byte, wipeBytes), 0)
	f.Sync()
}

// listDir names the entries of dir, for error messages about the boot
// file system.
func listDir(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err.Error()
	}
	var s []string
	for _, e := range ents {
		s = append(s, e.Name())
	}
	return "[" + strings.Join(s, " ") + "]"
}

func names(es []Entry) string {
	if len(es) == 0 {
		return "none"
	}
	var s []string
	for _, e := range es {
		s = append(s, e.Name)
	}
	return strings.Join(s, ", ")
}

// ErrBusy is returned when another installation is in progress.
var ErrBusy = errors.New("update: another update is in progress")
