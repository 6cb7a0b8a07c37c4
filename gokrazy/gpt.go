package gokrazy

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"unicode/utf16"
)

// SectorSize is the logical sector size the layout is computed in.
const SectorSize = 512

// Gokrazy's fixed layout, in sectors [gokrazy/tools packer/packer.go].
const (
	bootStartLBA   = 8192    // 4 MiB: DefaultBootPartitionStartLBA in gokrazy/internal/deviceconfig
	bootSectors    = 204800  // 100 MiB
	rootSectors    = 1024000 // 500 MiB per root slot
	rootAStartLBA  = bootStartLBA + bootSectors
	rootBStartLBA  = rootAStartLBA + rootSectors
	permStartLBA   = rootBStartLBA + rootSectors
	gptEntries     = 128
	gptEntrySize   = 128
	gptEntryLBAs   = gptEntries * gptEntrySize / SectorSize // 32
	minDiskSectors = permStartLBA + 2048 + gptEntryLBAs + 1
)

// DefaultDiskSize is gok's default target size for `gok vm run`: the 1100 MiB
// minimum plus room for a small /perm.
const DefaultDiskSize = 1258299392

// Partition type GUIDs (UEFI spec and the Discoverable Partitions spec).
var (
	typeESP       = mustGUID("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
	typeRootAMD64 = mustGUID("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709")
	typeRootARM64 = mustGUID("B921B045-1DF0-41C3-AF44-4C6F280D3FAE")
	// Root B deliberately uses the plain Linux data type, as gok does, so
	// that systemd-style auto-discovery never picks the inactive root.
	typeLinuxData = mustGUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4")
)

// Partition is one GPT entry, in sectors.
type Partition struct {
	Type     [16]byte // GUID in on-disk (mixed-endian) order
	GUID     [16]byte
	FirstLBA uint64
	LastLBA  uint64 // inclusive
	Name     string
}

// Offset is the partition's byte offset on the disk.
func (p Partition) Offset() int64 { return int64(p.FirstLBA) * SectorSize }

// Size is the partition's size in bytes.
func (p Partition) Size() int64 { return int64(p.LastLBA-p.FirstLBA+1) * SectorSize }

// Layout is the partitioning of one disk.
type Layout struct {
	DiskSectors uint64
	PartUUID    uint32 // FNV-1a-32 of the hostname
	DiskGUID    [16]byte
	Boot        Partition
	RootA       Partition
	RootB       Partition
	Perm        Partition
}

// PartUUID returns gokrazy's partition UUID seed for hostname: FNV-1a-32 of
// the hostname, so that rebuilt images keep the same root= value.
func PartUUID(hostname string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(hostname))
	return h.Sum32()
}

// PartitionGUIDString is the textual GUID gokrazy gives partition n (0 = the
// disk): 60c24cc1-f3f9-427a-8199-HHHHHHHH00NN.
func PartitionGUIDString(partUUID uint32, n int) string {
	return fmt.Sprintf("60c24cc1-f3f9-427a-8199-%08x%04x", partUUID, n)
}

// NewLayout computes gokrazy's layout for a disk of diskBytes bytes and the
// given hostname and architecture ("amd64" or "arm64").
func NewLayout(diskBytes int64, hostname, arch string) (Layout, error) {
	if diskBytes%SectorSize != 0 {
		return Layout{}, fmt.Errorf("gokrazy: layout: disk size %d is not a multiple of %d", diskBytes, SectorSize)
	}
	sectors := uint64(diskBytes / SectorSize)
	if sectors < minDiskSectors {
		return Layout{}, fmt.Errorf("gokrazy: layout: disk size %d too small: need at least %d bytes", diskBytes, minDiskSectors*SectorSize)
	}
	var rootType [16]byte
	switch arch {
	case "amd64":
		rootType = typeRootAMD64
	case "arm64":
		rootType = typeRootARM64
	default:
		return Layout{}, fmt.Errorf("gokrazy: layout: unsupported architecture %q (want amd64 or arm64)", arch)
	}
	pu := PartUUID(hostname)
	guid := func(n int) [16]byte { return mustGUID(PartitionGUIDString(pu, n)) }
	lastUsable := sectors - 1 - gptEntryLBAs - 1
	return Layout{
		DiskSectors: sectors,
		PartUUID:    pu,
		DiskGUID:    guid(0),
		Boot:        Partition{typeESP, guid(1), bootStartLBA, bootStartLBA + bootSectors - 1, "Microsoft basic data"},
		RootA:       Partition{rootType, guid(2), rootAStartLBA, rootAStartLBA + rootSectors - 1, "Linux filesystem"},
		RootB:       Partition{typeLinuxData, guid(3), rootBStartLBA, rootBStartLBA + rootSectors - 1, "Linux filesystem"},
		Perm:        Partition{typeLinuxData, guid(4), permStartLBA, lastUsable, "Linux filesystem"},
	}, nil
}

func (l Layout) partitions() []Partition { return []Partition{l.Boot, l.RootA, l.RootB, l.Perm} }

// WritePartitionTable writes the hybrid MBR (LBA 0), the primary GPT (LBA 1–33)
// and the backup GPT (last 33 sectors) to w.
func (l Layout) WritePartitionTable(w io.WriterAt) error {
	if _, err := w.WriteAt(l.hybridMBR(), 0); err != nil {
		return fmt.Errorf("gokrazy: write MBR: %w", err)
	}
	entries := l.gptEntries()
	last := l.DiskSectors - 1
	primary := l.gptHeader(1, last, 2, entries)
	backup := l.gptHeader(last, 1, last-gptEntryLBAs, entries)
	for _, wr := range []struct {
		what string
		b    []byte
		lba  uint64
	}{
		{"primary GPT header", primary, 1},
		{"primary GPT entries", entries, 2},
		{"backup GPT entries", entries, last - gptEntryLBAs},
		{"backup GPT header", backup, last},
	} {
		if _, err := w.WriteAt(wr.b, int64(wr.lba)*SectorSize); err != nil {
			return fmt.Errorf("gokrazy: write %s: %w", wr.what, err)
		}
	}
	return nil
}

// hybridMBR is gokrazy's LBA 0: a bootable FAT32-LBA entry covering the boot
// partition (the Raspberry Pi's ROM reads only the MBR) and a protective 0xEE
// entry covering just the GPT area. The boot code area stays zero: the PC
// image is UEFI-only.
func (l Layout) hybridMBR() []byte {
	b := make([]byte, SectorSize)
	binary.LittleEndian.PutUint32(b[440:], l.PartUUID) // disk signature
	entry := func(i int, active, typ byte, start, count uint32) {
		e := b[446+16*i : 446+16*(i+1)]
		e[0] = active
		copy(e[1:4], []byte{0xfe, 0xff, 0xff}) // CHS unusable: LBA only
		e[4] = typ
		copy(e[5:8], []byte{0xfe, 0xff, 0xff})
		binary.LittleEndian.PutUint32(e[8:], start)
		binary.LittleEndian.PutUint32(e[12:], count)
	}
	entry(0, 0x80, 0x0c, bootStartLBA, bootSectors)
	entry(1, 0x00, 0xee, 1, bootStartLBA-1)
	b[510], b[511] = 0x55, 0xaa
	return b
}

func (l Layout) gptEntries() []byte {
	b := make([]byte, gptEntries*gptEntrySize)
	for i, p := range l.partitions() {
		e := b[i*gptEntrySize : (i+1)*gptEntrySize]
		copy(e[0:16], p.Type[:])
		copy(e[16:32], p.GUID[:])
		binary.LittleEndian.PutUint64(e[32:], p.FirstLBA)
		binary.LittleEndian.PutUint64(e[40:], p.LastLBA)
		for j, u := range utf16.Encode([]rune(p.Name)) {
			if j >= 36 {
				break
			}
			binary.LittleEndian.PutUint16(e[56+2*j:], u)
		}
	}
	return b
}

func (l Layout) gptHeader(current, backup, entriesLBA uint64, entries []byte) []byte {
	b := make([]byte, SectorSize)
	copy(b[0:8], "EFI PART")
	binary.LittleEndian.PutUint32(b[8:], 0x00010000) // revision 1.0
	binary.LittleEndian.PutUint32(b[12:], 92)        // header size
	binary.LittleEndian.PutUint64(b[24:], current)
	binary.LittleEndian.PutUint64(b[32:], backup)
	binary.LittleEndian.PutUint64(b[40:], 2+gptEntryLBAs)               // first usable
	binary.LittleEndian.PutUint64(b[48:], l.DiskSectors-2-gptEntryLBAs) // last usable
	copy(b[56:72], l.DiskGUID[:])
	binary.LittleEndian.PutUint64(b[72:], entriesLBA)
	binary.LittleEndian.PutUint32(b[80:], gptEntries)
	binary.LittleEndian.PutUint32(b[84:], gptEntrySize)
	binary.LittleEndian.PutUint32(b[88:], crc32.ChecksumIEEE(entries))
	binary.LittleEndian.PutUint32(b[16:], crc32.ChecksumIEEE(b[:92]))
	return b
}

// mustGUID parses a textual GUID into the EFI on-disk byte order: the first
// three fields little-endian, the last two big-endian.
func mustGUID(s string) [16]byte {
	g, err := parseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

func parseGUID(s string) ([16]byte, error) {
	var g [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("gokrazy: malformed GUID %q", s)
	}
	hex := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	var raw [16]byte
	for i := 0; i < 16; i++ {
		var v byte
		for _, c := range hex[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				v |= byte(c - 'a' + 10)
			case c >= 'A' && c <= 'F':
				v |= byte(c - 'A' + 10)
			default:
				return g, fmt.Errorf("gokrazy: malformed GUID %q", s)
			}
		}
		raw[i] = v
	}
	g = raw
	g[0], g[1], g[2], g[3] = raw[3], raw[2], raw[1], raw[0]
	g[4], g[5] = raw[5], raw[4]
	g[6], g[7] = raw[7], raw[6]
	return g, nil
}
