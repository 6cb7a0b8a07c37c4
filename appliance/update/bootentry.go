package update

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mitra-kiosk/mitra/appliance/durable"
)

// Paths on the boot file system.
const (
	entriesDir  = "loader/entries"
	cmdlineFile = "cmdline.txt"
	// sortKey puts every Mitra entry in one group, so systemd-boot orders
	// them by version (newest first) instead of by file name.
	sortKey = "mitra"
	// legacyEntry is the entry of images built before A/B entries: it
	// boots root A and has no sort-key.
	legacyEntry = "mitra.conf"
)

// Entry is one Mitra boot loader entry.
type Entry struct {
	Name    string // file name in loader/entries
	Slot    string // "a" or "b"
	Counted bool   // has a +LEFT[-DONE] boot counter: on trial
	Left    int    // tries left (counted entries)
	Done    int    // tries done (counted entries)
	Version int    // the entry's version line: higher boots first
	Options string // the kernel command line
}

// Bad reports whether the loader has given up on the entry: its tries
// are used up, so it sorts after every other entry.
func (e Entry) Bad() bool { return e.Counted && e.Left == 0 }

// entryNameRe matches mitra-a.conf, mitra-b+3.conf and mitra-b+1-2.conf
// (the loader's rename after two boots).
var entryNameRe = regexp.MustCompile(`^mitra-([ab])(?:\+([0-9]+)(?:-([0-9]+))?)?\.conf$`)

// parseEntryName decodes a Mitra entry file name.
func parseEntryName(name string) (e Entry, ok bool) {
	if name == legacyEntry {
		return Entry{Name: name, Slot: "a"}, true
	}
	m := entryNameRe.FindStringSubmatch(name)
	if m == nil {
		return Entry{}, false
	}
	e = Entry{Name: name, Slot: m[1]}
	if m[2] != "" {
		e.Counted = true
		e.Left, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			e.Done, _ = strconv.Atoi(m[3])
		}
	}
	return e, true
}

// entryName is the file name of a slot's entry with tries left (0: none,
// a blessed entry).
func entryName(slot string, tries int) string {
	if tries <= 0 {
		return "mitra-" + slot + ".conf"
	}
	return fmt.Sprintf("mitra-%s+%d.conf", slot, tries)
}

// ReadEntries lists the Mitra entries on the boot file system at boot,
// in systemd-boot's order: the one it boots first comes first.
func ReadEntries(boot string) ([]Entry, error) {
	ents, err := os.ReadDir(filepath.Join(boot, entriesDir))
	if err != nil {
		return nil, fmt.Errorf("update: boot entries: %w", err)
	}
	var out []Entry
	for _, de := range ents {
		// FAT names are case-insensitive; the kernel's vfat shows LFNs as
		// written, and systemd-boot compares case-insensitively.
		e, ok := parseEntryName(strings.ToLower(de.Name()))
		if !ok {
			continue
		}
		e.Name = de.Name()
		b, err := os.ReadFile(filepath.Join(boot, entriesDir, de.Name()))
		if err != nil {
			return nil, fmt.Errorf("update: boot entries: %w", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch k {
			case "version":
				e.Version, _ = strconv.Atoi(strings.TrimSpace(v))
			case "options":
				e.Options = strings.TrimSpace(v)
			}
		}
		out = append(out, e)
	}
	sortEntries(out)
	return out, nil
}

// sortEntries orders entries as systemd-boot does for Mitra's entries:
// bad ones last, then the higher version first, then the one with more
// tries left. The legacy entry has no sort-key, which puts it after all
// new-style entries.
func sortEntries(es []Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Bad() != b.Bad() {
			return !a.Bad()
		}
		if la, lb := a.Name == legacyEntry, b.Name == legacyEntry; la != lb {
			return !la
		}
		if a.Version != b.Version {
			return a.Version > b.Version
		}
		return a.Left > b.Left
	})
}

// Default returns the entry the loader will boot next, if any.
func Default(es []Entry) (Entry, bool) {
	if len(es) == 0 {
		return Entry{}, false
	}
	return es[0], true
}

// SlotEntry returns slot's entry.
func SlotEntry(es []Entry, slot string) (Entry, bool) {
	for _, e := range es {
		if e.Slot == slot {
			return e, true
		}
	}
	return Entry{}, false
}

// RemoveSlot deletes every entry of slot, so the loader cannot boot a root
// partition while it is being overwritten.
func RemoveSlot(boot, slot string) error {
	es, err := ReadEntries(boot)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Slot != slot {
			continue
		}
		if err := os.Remove(filepath.Join(boot, entriesDir, e.Name)); err != nil {
			return fmt.Errorf("update: boot entries: %w", err)
		}
	}
	return syncDir(filepath.Join(boot, entriesDir))
}

// rootArgRe matches gokrazy's root= argument, whose PARTNROFF selects the
// root (1 = A, 2 = B).
var rootArgRe = regexp.MustCompile(`root=PARTUUID=([0-9a-fA-F-]+)/PARTNROFF=[0-9]+`)

// optionsFor returns options with root= pointing at slot's partition. The
// replacement has the same length, so cmdline.txt can be rewritten in place.
func optionsFor(options, slot string) (string, error) {
	if !rootArgRe.MatchString(options) {
		return "", fmt.Errorf("update: boot entries: no root=PARTUUID=…/PARTNROFF=N in %q", options)
	}
	off := 1
	if slot == "b" {
		off = 2
	}
	return rootArgRe.ReplaceAllString(options, fmt.Sprintf("root=PARTUUID=$1/PARTNROFF=%d", off)), nil
}

// AddTrial writes slot's entry with a boot counter of tries and a version
// of at least minVersion and above every other entry, so the loader boots
// it next and falls back to the previous entry once the counter is used
// up. options is the command line of the running root's entry; only root=
// changes.
func AddTrial(boot, slot string, tries int, title, options string, minVersion int) (Entry, error) {
	if tries < 1 {
		return Entry{}, fmt.Errorf("update: boot entries: %d tries: need at least 1", tries)
	}
	es, err := ReadEntries(boot)
	if err != nil {
		return Entry{}, err
	}
	version := max(minVersion, 1)
	for _, e := range es {
		if e.Slot == slot {
			return Entry{}, fmt.Errorf("update: boot entries: slot %s still has entry %s", slot, e.Name)
		}
		if e.Version >= version {
			version = e.Version + 1
		}
	}
	opts, err := optionsFor(options, slot)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Name: entryName(slot, tries), Slot: slot, Counted: true, Left: tries, Version: version, Options: opts}
	body := fmt.Sprintf("title %s\nsort-key %s\nversion %d\nlinux /vmlinuz\noptions %s\n", title, sortKey, version, opts)
	if err := writeSynced(filepath.Join(boot, entriesDir, e.Name), []byte(body)); err != nil {
		return Entry{}, err
	}
	return e, syncDir(filepath.Join(boot, entriesDir))
}

// Bless makes slot's entry permanent: it drops the boot counter (a rename,
// as systemd-bless-boot does) and points cmdline.txt at slot's root, which
// gokrazy's kexec reboot reads. It is a no-op for a blessed entry.
func Bless(boot, slot string) (Entry, error) {
	es, err := ReadEntries(boot)
	if err != nil {
		return Entry{}, err
	}
	e, ok := SlotEntry(es, slot)
	if !ok {
		return Entry{}, fmt.Errorf("update: bless: no entry for root %s", strings.ToUpper(slot))
	}
	if e.Counted {
		name := entryName(slot, 0)
		if err := os.Rename(filepath.Join(boot, entriesDir, e.Name), filepath.Join(boot, entriesDir, name)); err != nil {
			return Entry{}, fmt.Errorf("update: bless: %w", err)
		}
		if err := syncDir(filepath.Join(boot, entriesDir)); err != nil {
			return Entry{}, err
		}
		e.Name, e.Counted, e.Left, e.Done = name, false, 0, 0
	}
	return e, pointCmdline(boot, slot)
}

// pointCmdline rewrites root= in cmdline.txt in place: the same length,
// the same clusters, so gokrazy's raw FAT reader still finds it.
func pointCmdline(boot, slot string) error {
	file := filepath.Join(boot, cmdlineFile)
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("update: cmdline.txt: %w", err)
	}
	s, err := optionsFor(string(b), slot)
	if err != nil {
		return err
	}
	if s == string(b) {
		return nil
	}
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("update: cmdline.txt: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(s), 0); err != nil {
		return fmt.Errorf("update: cmdline.txt: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("update: cmdline.txt: %w", err)
	}
	return f.Close()
}

func writeSynced(file string, data []byte) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("update: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("update: %w", err)
	}
	return f.Close()
}

// syncDir makes renames and new names in a boot directory durable.
func syncDir(dir string) error {
	if err := durable.SyncDir(dir); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return nil
}
