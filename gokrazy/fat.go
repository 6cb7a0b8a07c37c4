package gokrazy

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"
)

// FAT16 parameters of the boot file system. gokrazy's own FAT reader
// (gokrazy/internal/fat, used by its in-place root switch) understands
// exactly this shape: one FAT, a fixed root directory, contiguous files,
// 8.3 names matched case-insensitively.
const (
	fatSectorsPerCluster = 4 // 2 KiB clusters, as gokrazy
	fatReservedSectors   = 4 // one cluster: the Raspberry Pi 3 needs the data area cluster-aligned
	fatRootEntries       = 512
	fatClusterBytes      = fatSectorsPerCluster * SectorSize
	fatDirEntry          = 32
	fatAttrReadOnly      = 0x01
	fatAttrVolumeID      = 0x08
	fatAttrDirectory     = 0x10
	fatAttrArchive       = 0x20
	fatAttrLFN           = 0x0f
	fatCaseLowerBase     = 0x08 // NT reserved byte: the 8-char base is lower case
	fatCaseLowerExt      = 0x10 // … and the extension
	fatMinClusters16     = 4085 // fewer clusters would make it FAT12 by definition
	fatMaxClusters16     = 65524
)

// bootLabel is the boot file system's volume label.
const bootLabel = "MITRABOOT"

// fatNode is a file or directory of the boot file system.
type fatNode struct {
	name     string
	e        *entry
	dir      bool
	children []*fatNode
	data     []byte
	cluster  uint32 // first cluster (0: empty file)
	clusters uint32
	short    [11]byte
	ntCase   byte
	lfn      bool
}

// writeFAT writes t as a FAT16 file system filling the boot partition (at
// offset start, size bytes, of w). Every time stamp is the build epoch and
// the volume ID derives from volumeID, so the output depends only on t.
func writeFAT(w io.WriterAt, start, size int64, t *tree, epoch int64, volumeID uint32) error {
	totalSectors := size / SectorSize
	rootSectors := int64(fatRootEntries * fatDirEntry / SectorSize)
	// FAT size: enough 2-byte entries for every cluster that fits in what
	// remains; then grow so the data area starts on a cluster boundary.
	fatSectors := int64(1)
	for {
		data := totalSectors - fatReservedSectors - fatSectors - rootSectors
		clusters := data / fatSectorsPerCluster
		need := ((clusters+2)*2 + SectorSize - 1) / SectorSize
		if need <= fatSectors {
			break
		}
		fatSectors = need
	}
	for (fatReservedSectors+fatSectors+rootSectors)%fatSectorsPerCluster != 0 {
		fatSectors++
	}
	dataStart := fatReservedSectors + fatSectors + rootSectors
	clusters := (totalSectors - dataStart) / fatSectorsPerCluster
	if clusters < fatMinClusters16 || clusters > fatMaxClusters16 {
		return fmt.Errorf("gokrazy: fat: %d clusters in %d bytes: outside FAT16's %d..%d", clusters, size, fatMinClusters16, fatMaxClusters16)
	}

	root, err := fatBuildTree(t)
	if err != nil {
		return err
	}
	// Allocate contiguous runs: directories and files in sorted
	// depth-first order.
	next := uint32(2)
	var alloc func(n *fatNode) error
	alloc = func(n *fatNode) error {
		for _, c := range n.children {
			var bytes int
			if c.dir {
				bytes = (len(fatDirEntries(c, nil, nil)) + 2) * fatDirEntry // + "." and ".."
			} else {
				bytes = len(c.data)
			}
			if bytes > 0 {
				c.cluster = next
				c.clusters = uint32((bytes + fatClusterBytes - 1) / fatClusterBytes)
				next += c.clusters
			}
			if c.dir {
				if err := alloc(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := alloc(root); err != nil {
		return err
	}
	if int64(next-2) > clusters {
		return fmt.Errorf("gokrazy: fat: content needs %d clusters, the partition has %d", next-2, clusters)
	}

	// Boot sector with a DOS 4.0 extended BPB.
	bs := make([]byte, SectorSize)
	le := binary.LittleEndian
	copy(bs[0:3], []byte{0xeb, 0x3c, 0x90})
	copy(bs[3:11], "mitra   ")
	le.PutUint16(bs[11:], SectorSize)
	bs[13] = fatSectorsPerCluster
	le.PutUint16(bs[14:], fatReservedSectors)
	bs[16] = 1 // one FAT, as gokrazy's reader assumes
	le.PutUint16(bs[17:], fatRootEntries)
	if totalSectors < 0x10000 {
		le.PutUint16(bs[19:], uint16(totalSectors))
	} else {
		le.PutUint32(bs[32:], uint32(totalSectors))
	}
	bs[21] = 0xf8 // fixed disk
	le.PutUint16(bs[22:], uint16(fatSectors))
	le.PutUint16(bs[24:], 32)                        // sectors per track (no CHS use)
	le.PutUint16(bs[26:], 64)                        // heads
	le.PutUint32(bs[28:], uint32(start/SectorSize))  // hidden sectors: the partition's LBA
	bs[36] = 0x80                                    // drive number
	bs[38] = 0x29                                    // extended boot signature
	le.PutUint32(bs[39:], volumeID)                  // volume serial
	copy(bs[43:54], fmt.Sprintf("%-11s", bootLabel)) // label
	copy(bs[54:62], "FAT16   ")                      // type string
	bs[510], bs[511] = 0x55, 0xaa
	if _, err := w.WriteAt(bs, start); err != nil {
		return fmt.Errorf("gokrazy: fat: write boot sector: %w", err)
	}

	// The FAT: media descriptor, end-of-chain marker, then one chain per run.
	fat := make([]byte, fatSectors*SectorSize)
	le.PutUint16(fat[0:], 0xfff8)
	le.PutUint16(fat[2:], 0xffff)
	var chain func(n *fatNode)
	chain = func(n *fatNode) {
		for _, c := range n.children {
			for i := uint32(0); i < c.clusters; i++ {
				v := uint16(c.cluster + i + 1)
				if i == c.clusters-1 {
					v = 0xffff
				}
				le.PutUint16(fat[2*(c.cluster+i):], v)
			}
			if c.dir {
				chain(c)
			}
		}
	}
	chain(root)
	if _, err := w.WriteAt(fat, start+fatReservedSectors*SectorSize); err != nil {
		return fmt.Errorf("gokrazy: fat: write FAT: %w", err)
	}

	stamp := fatTimestamp(time.Unix(epoch, 0).UTC())
	// Root directory: the volume label, then the entries.
	label := make([]byte, fatDirEntry)
	copy(label[0:11], fmt.Sprintf("%-11s", bootLabel))
	label[11] = fatAttrVolumeID
	copy(label[22:26], stamp)
	rootDir := fatDirEntries(root, label, stamp)
	if len(rootDir) > fatRootEntries {
		return fmt.Errorf("gokrazy: fat: %d root directory entries, room for %d", len(rootDir), fatRootEntries)
	}
	if _, err := w.WriteAt(joinEntries(rootDir), start+(fatReservedSectors+fatSectors)*SectorSize); err != nil {
		return fmt.Errorf("gokrazy: fat: write root directory: %w", err)
	}
	clusterOffset := func(c uint32) int64 {
		return start + (dataStart+int64(c-2)*fatSectorsPerCluster)*SectorSize
	}
	var write func(n *fatNode, parentCluster uint32) error
	write = func(n *fatNode, parentCluster uint32) error {
		for _, c := range n.children {
			var b []byte
			if c.dir {
				dot := fatShortEntry([11]byte{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}, fatAttrDirectory, 0, c.cluster, 0, stamp)
				dotdot := fatShortEntry([11]byte{'.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}, fatAttrDirectory, 0, parentCluster, 0, stamp)
				b = joinEntries(append([][]byte{dot, dotdot}, fatDirEntries(c, nil, stamp)...))
			} else {
				b = c.data
			}
			if len(b) > 0 {
				padded := make([]byte, int(c.clusters)*fatClusterBytes)
				copy(padded, b)
				if _, err := w.WriteAt(padded, clusterOffset(c.cluster)); err != nil {
					return fmt.Errorf("gokrazy: fat: write %s: %w", c.e.Path, err)
				}
			}
			if c.dir {
				if err := write(c, c.cluster); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return write(root, 0) // ".." of a top-level directory is cluster 0: the root
}

// fatBuildTree loads the tree's files and assigns 8.3 names.
func fatBuildTree(t *tree) (*fatNode, error) {
	root := &fatNode{dir: true}
	nodes := map[string]*fatNode{".": root}
	for _, e := range t.sorted() {
		parentPath := e.Path[:max(strings.LastIndexByte(e.Path, '/'), 0)]
		if parentPath == "" {
			parentPath = "."
		}
		parent, ok := nodes[parentPath]
		if !ok {
			return nil, fmt.Errorf("gokrazy: fat: %s: parent missing", e.Path)
		}
		n := &fatNode{name: e.Path[strings.LastIndexByte(e.Path, '/')+1:], e: e, dir: e.Mode.IsDir()}
		if !n.dir {
			if !e.Mode.IsRegular() {
				return nil, fmt.Errorf("gokrazy: fat: %s: FAT holds only files and directories", e.Path)
			}
			b, err := e.contents()
			if err != nil {
				return nil, err
			}
			n.data = b
		}
		parent.children = append(parent.children, n)
		nodes[e.Path] = n
	}
	var name func(n *fatNode) error
	name = func(n *fatNode) error {
		used := map[[11]byte]bool{}
		for _, c := range n.children {
			if err := fatAssignShortName(c, used); err != nil {
				return err
			}
			if c.dir {
				if err := name(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return root, name(root)
}

// fatAssignShortName gives n an 8.3 name: the name itself when it fits
// (with the NT lower-case flags for all-lower-case parts), otherwise a
// BASIS~N short name plus long-file-name entries.
func fatAssignShortName(n *fatNode, used map[[11]byte]bool) error {
	base, ext := n.name, ""
	if i := strings.LastIndexByte(n.name, '.'); i > 0 {
		base, ext = n.name[:i], n.name[i+1:]
	}
	valid := func(s string) bool {
		for _, r := range s {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'()-@^_`{}~", r)) {
				return false
			}
		}
		return true
	}
	oneCase := func(s string) (lower, ok bool) {
		return s == strings.ToLower(s) && s != strings.ToUpper(s), s == strings.ToLower(s) || s == strings.ToUpper(s)
	}
	var short [11]byte
	for i := range short {
		short[i] = ' '
	}
	lb, okb := oneCase(base)
	le, oke := oneCase(ext)
	if len(base) >= 1 && len(base) <= 8 && len(ext) <= 3 && valid(base) && valid(ext) && okb && oke {
		copy(short[0:8], strings.ToUpper(base))
		copy(short[8:11], strings.ToUpper(ext))
		if used[short] {
			return fmt.Errorf("gokrazy: fat: %s: 8.3 name collides", n.e.Path)
		}
		used[short] = true
		n.short = short
		if lb {
			n.ntCase |= fatCaseLowerBase
		}
		if le {
			n.ntCase |= fatCaseLowerExt
		}
		return nil
	}
	clean := func(s string, max int) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if b.Len() == max {
				break
			}
			if valid(string(r)) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	b, x := clean(base, 8), clean(ext, 3)
	if b == "" {
		b = "FILE"
	}
	// Numeric tails as Windows makes them: the base shortened to leave room
	// for "~N" (the Pi's 25 device trees share their first six letters).
	for i := 1; i < 1000000; i++ {
		tail := fmt.Sprintf("~%d", i)
		for j := range short {
			short[j] = ' '
		}
		copy(short[0:8], b[:min(len(b), 8-len(tail))]+tail)
		copy(short[8:11], x)
		if !used[short] {
			used[short] = true
			n.short, n.lfn = short, true
			return nil
		}
	}
	return fmt.Errorf("gokrazy: fat: %s: no free short name", n.e.Path)
}

// fatDirEntries returns the directory entries of n's children (after
// first, if given): long-name entries, in reverse order, before each
// short entry.
func fatDirEntries(n *fatNode, first []byte, stamp []byte) [][]byte {
	var out [][]byte
	if first != nil {
		out = append(out, first)
	}
	for _, c := range n.children {
		if c.lfn {
			out = append(out, fatLFNEntries(c.name, c.short)...)
		}
		attr := byte(fatAttrReadOnly | fatAttrArchive)
		size := uint32(len(c.data))
		if c.dir {
			attr, size = fatAttrDirectory, 0
		}
		out = append(out, fatShortEntry(c.short, attr, c.ntCase, c.cluster, size, stamp))
	}
	return out
}

func fatShortEntry(name [11]byte, attr, ntCase byte, cluster, size uint32, stamp []byte) []byte {
	e := make([]byte, fatDirEntry)
	copy(e[0:11], name[:])
	e[11] = attr
	e[12] = ntCase
	if stamp != nil {
		copy(e[14:18], stamp) // creation time and date
		copy(e[18:20], stamp[2:4])
		copy(e[22:26], stamp) // modification time and date
	}
	binary.LittleEndian.PutUint16(e[26:], uint16(cluster))
	binary.LittleEndian.PutUint32(e[28:], size)
	return e
}

// fatLFNEntries encodes name as VFAT long-name entries, last part first.
func fatLFNEntries(name string, short [11]byte) [][]byte {
	var sum byte
	for _, c := range short {
		sum = (sum>>1 | sum<<7) + c
	}
	u := utf16.Encode([]rune(name))
	if len(u)%13 != 0 {
		u = append(u, 0)
		for len(u)%13 != 0 {
			u = append(u, 0xffff)
		}
	}
	parts := len(u) / 13
	var out [][]byte
	for p := parts; p >= 1; p-- {
		e := make([]byte, fatDirEntry)
		e[0] = byte(p)
		if p == parts {
			e[0] |= 0x40
		}
		e[11] = fatAttrLFN
		e[13] = sum
		chars := u[(p-1)*13 : p*13]
		for i, off := range []int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30} {
			binary.LittleEndian.PutUint16(e[off:], chars[i])
		}
		out = append(out, e)
	}
	return out
}

func joinEntries(es [][]byte) []byte {
	var b []byte
	for _, e := range es {
		b = append(b, e...)
	}
	return b
}

// fatTimestamp is a DOS time (2 bytes) then date (2 bytes).
func fatTimestamp(t time.Time) []byte {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	tm := uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	dt := uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	b := binary.LittleEndian.AppendUint16(nil, tm)
	return binary.LittleEndian.AppendUint16(b, dt)
}
