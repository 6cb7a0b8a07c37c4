package gokrazy

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// SquashFS 4.0 constants (Linux fs/squashfs/squashfs_fs.h).
const (
	sqMagic         = 0x73717368
	sqBlockSize     = 128 << 10 // data block size, as gokrazy uses
	sqBlockLog      = 17
	sqCompZlib      = 1 // "gzip": zlib streams; the only compressor the served kernels enable
	sqMetadataSize  = 8192
	sqUncompressed  = 0x8000  // metadata header bit: block stored uncompressed
	sqDataUncompBit = 1 << 24 // data block size bit: block stored uncompressed
	sqInvalid       = 0xffffffffffffffff
	sqInvalidFrag   = 0xffffffff
	sqSuperblock    = 96

	// Superblock flags: metadata and ids stored uncompressed (like gokrazy's
	// writer, so the tables are easy to audit), no fragments, no xattrs.
	sqFlagUncompressedInodes = 0x0001
	sqFlagUncompressedFrags  = 0x0008
	sqFlagNoFragments        = 0x0010
	sqFlagNoXattrs           = 0x0200
	sqFlagUncompressedIDs    = 0x0800

	// Basic inode types.
	sqDirType     = 1
	sqFileType    = 2
	sqSymlinkType = 3

	sqMaxDirHeaderEntries = 256
)

// metadataWriter accumulates a SquashFS metadata table (inodes or
// directories) as a sequence of uncompressed 8 KiB blocks.
type metadataWriter struct {
	blocks [][]byte // finished blocks (data only)
	cur    []byte
}

// pos returns where the next byte goes: the block's offset in the on-disk
// table and the offset inside the uncompressed block.
func (m *metadataWriter) pos() (uint32, uint16) {
	return uint32(len(m.blocks) * (2 + sqMetadataSize)), uint16(len(m.cur))
}

func (m *metadataWriter) write(b []byte) {
	for len(b) > 0 {
		n := min(sqMetadataSize-len(m.cur), len(b))
		m.cur = append(m.cur, b[:n]...)
		b = b[n:]
		if len(m.cur) == sqMetadataSize {
			m.blocks = append(m.blocks, m.cur)
			m.cur = nil
		}
	}
}

// bytes returns the on-disk table: each block prefixed by its header.
func (m *metadataWriter) bytes() []byte {
	var out []byte
	for _, b := range append(m.blocks, m.cur) {
		if len(b) == 0 {
			continue
		}
		out = binary.LittleEndian.AppendUint16(out, uint16(len(b))|sqUncompressed)
		out = append(out, b...)
	}
	return out
}

// sqNode is a tree entry with the SquashFS bookkeeping.
type sqNode struct {
	e        *entry
	name     string
	children []*sqNode
	inode    uint32 // inode number
	refBlock uint32 // inode's metadata block (relative to the inode table)
	refOff   uint16 // offset inside that block
	typ      uint16
	// data
	blocksStart uint64
	blockSizes  []uint32
	size        uint64
}

// writeSquashFS writes t as a SquashFS 4.0 file system at offset start of
// w, at most size bytes, and returns the bytes used (bytes_used, before the
// 4 KiB padding).
//
// Data blocks are zlib-compressed (kept raw when that does not shrink
// them), 128 KiB, without fragments; metadata, directory and id tables are
// stored uncompressed. Every inode is owned by root and carries the build
// epoch as mtime. Entries are sorted by name, as the kernel's lookup
// requires, and written depth-first so the output depends only on t.
func writeSquashFS(w io.WriterAt, start, size int64, t *tree, epoch int64) (int64, error) {
	root, count, err := sqBuildTree(t)
	if err != nil {
		return 0, err
	}
	// Data blocks, in inode order, right after the superblock.
	off := int64(sqSuperblock)
	var files []*sqNode
	var walk func(n *sqNode)
	walk = func(n *sqNode) {
		for _, c := range n.children {
			walk(c)
		}
		if n.typ == sqFileType {
			files = append(files, n)
		}
	}
	walk(root)
	sort.Slice(files, func(i, j int) bool { return files[i].inode < files[j].inode })
	zbuf := new(bytes.Buffer)
	for _, f := range files {
		data, err := f.e.contents()
		if err != nil {
			return 0, err
		}
		f.size = uint64(len(data))
		f.blocksStart = uint64(off)
		for len(data) > 0 {
			blk := data[:min(sqBlockSize, len(data))]
			data = data[len(blk):]
			zbuf.Reset()
			zw, _ := zlib.NewWriterLevel(zbuf, zlib.DefaultCompression) // the level is valid
			zw.Write(blk)
			zw.Close()
			out, sz := zbuf.Bytes(), uint32(zbuf.Len())
			if zbuf.Len() >= len(blk) {
				out, sz = blk, uint32(len(blk))|sqDataUncompBit
			}
			if off+int64(len(out)) > size {
				return 0, fmt.Errorf("gokrazy: squashfs: data does not fit the %d-byte partition", size)
			}
			if _, err := w.WriteAt(out, start+off); err != nil {
				return 0, fmt.Errorf("gokrazy: squashfs: write data: %w", err)
			}
			off += int64(len(out))
			f.blockSizes = append(f.blockSizes, sz)
		}
	}

	// Inode and directory tables, children before parents.
	var inodes, dirs metadataWriter
	if err := sqWriteInodes(root, count+1, &inodes, &dirs, uint32(epoch)); err != nil {
		return 0, err
	}
	inodeTable := off
	inodeBytes := inodes.bytes()
	dirTable := inodeTable + int64(len(inodeBytes))
	dirBytes := dirs.bytes()
	idBlock := dirTable + int64(len(dirBytes))
	// One id (0 = root), in one metadata block, then the index that points
	// to it; id_table_start is the index.
	ids := []byte{4 | 0x00, 0x80, 0, 0, 0, 0}
	idIndex := idBlock + int64(len(ids))
	index := binary.LittleEndian.AppendUint64(nil, uint64(idBlock))
	used := idIndex + int64(len(index))
	if used > size {
		return 0, fmt.Errorf("gokrazy: squashfs: %d bytes do not fit the %d-byte partition", used, size)
	}
	for _, part := range []struct {
		at int64
		b  []byte
	}{{inodeTable, inodeBytes}, {dirTable, dirBytes}, {idBlock, ids}, {idIndex, index}} {
		if _, err := w.WriteAt(part.b, start+part.at); err != nil {
			return 0, fmt.Errorf("gokrazy: squashfs: write tables: %w", err)
		}
	}
	padded := (used + 4095) &^ 4095
	if pad := padded - used; pad > 0 && padded <= size {
		if _, err := w.WriteAt(make([]byte, pad), start+used); err != nil {
			return 0, fmt.Errorf("gokrazy: squashfs: pad: %w", err)
		}
	}

	sb := make([]byte, sqSuperblock)
	le := binary.LittleEndian
	le.PutUint32(sb[0:], sqMagic)
	le.PutUint32(sb[4:], count)
	le.PutUint32(sb[8:], uint32(epoch))
	le.PutUint32(sb[12:], sqBlockSize)
	le.PutUint32(sb[16:], 0) // fragment entries
	le.PutUint16(sb[20:], sqCompZlib)
	le.PutUint16(sb[22:], sqBlockLog)
	le.PutUint16(sb[24:], sqFlagUncompressedInodes|sqFlagUncompressedFrags|sqFlagNoFragments|sqFlagNoXattrs|sqFlagUncompressedIDs)
	le.PutUint16(sb[26:], 1) // ids
	le.PutUint16(sb[28:], 4) // version 4.0
	le.PutUint16(sb[30:], 0)
	le.PutUint64(sb[32:], uint64(root.refBlock)<<16|uint64(root.refOff))
	le.PutUint64(sb[40:], uint64(used))
	le.PutUint64(sb[48:], uint64(idIndex))
	le.PutUint64(sb[56:], sqInvalid) // xattr id table
	le.PutUint64(sb[64:], uint64(inodeTable))
	le.PutUint64(sb[72:], uint64(dirTable))
	le.PutUint64(sb[80:], sqInvalid) // fragment table
	le.PutUint64(sb[88:], sqInvalid) // export (lookup) table
	if _, err := w.WriteAt(sb, start); err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: write superblock: %w", err)
	}
	return used, nil
}

// sqBuildTree turns the flat tree into nodes and numbers the inodes in
// depth-first order (children of a directory consecutive, directories
// after their contents, the root last), as mksquashfs does.
func sqBuildTree(t *tree) (*sqNode, uint32, error) {
	root := &sqNode{e: &entry{Mode: fs.ModeDir | 0o755}, typ: sqDirType}
	nodes := map[string]*sqNode{"": root}
	for _, e := range t.sorted() {
		parent, ok := nodes[path.Dir(e.Path)]
		if path.Dir(e.Path) == "." {
			parent, ok = root, true
		}
		if !ok {
			return nil, 0, fmt.Errorf("gokrazy: squashfs: %s: parent missing", e.Path)
		}
		n := &sqNode{e: e, name: path.Base(e.Path)}
		switch {
		case e.Mode.IsDir():
			n.typ = sqDirType
		case e.Mode&fs.ModeSymlink != 0:
			n.typ = sqSymlinkType
		case e.Mode.IsRegular():
			n.typ = sqFileType
		default:
			return nil, 0, fmt.Errorf("gokrazy: squashfs: %s: unsupported file type %v", e.Path, e.Mode.Type())
		}
		if strings.ContainsRune(n.name, 0) || len(n.name) > 256 {
			return nil, 0, fmt.Errorf("gokrazy: squashfs: %s: invalid name", e.Path)
		}
		parent.children = append(parent.children, n)
		nodes[e.Path] = n
	}
	var next uint32 = 1
	var number func(n *sqNode)
	number = func(n *sqNode) {
		sort.Slice(n.children, func(i, j int) bool { return n.children[i].name < n.children[j].name })
		for _, c := range n.children {
			if c.typ != sqDirType {
				c.inode = next
				next++
			}
		}
		for _, c := range n.children {
			if c.typ == sqDirType {
				number(c)
			}
		}
		n.inode = next
		next++
	}
	number(root)
	return root, next - 1, nil
}

// sqWriteInodes writes the inodes of n's subtree and n's directory listing,
// then n's own inode.
func sqWriteInodes(n *sqNode, parent uint32, inodes, dirs *metadataWriter, mtime uint32) error {
	le := binary.LittleEndian
	header := func(typ uint16, mode fs.FileMode, ino uint32) []byte {
		b := le.AppendUint16(nil, typ)
		b = le.AppendUint16(b, uint16(mode.Perm()))
		b = le.AppendUint16(b, 0) // uid index
		b = le.AppendUint16(b, 0) // gid index
		b = le.AppendUint32(b, mtime)
		return le.AppendUint32(b, ino)
	}
	// Files and symlinks first, then subdirectories (recursively): their
	// inode positions must be known before this directory's listing.
	for _, c := range n.children {
		if c.typ == sqDirType {
			continue
		}
		c.refBlock, c.refOff = inodes.pos()
		b := header(c.typ, c.e.Mode, c.inode)
		switch c.typ {
		case sqFileType:
			if c.blocksStart > 0xffffffff || c.size > 0xffffffff {
				return fmt.Errorf("gokrazy: squashfs: %s: beyond 4 GiB (needs extended inodes)", c.e.Path)
			}
			b = le.AppendUint32(b, uint32(c.blocksStart))
			b = le.AppendUint32(b, sqInvalidFrag)
			b = le.AppendUint32(b, 0) // offset in fragment
			b = le.AppendUint32(b, uint32(c.size))
			for _, s := range c.blockSizes {
				b = le.AppendUint32(b, s)
			}
		case sqSymlinkType:
			b = le.AppendUint32(b, 1) // nlink
			b = le.AppendUint32(b, uint32(len(c.e.Symlink)))
			b = append(b, c.e.Symlink...)
		}
		inodes.write(b)
	}
	subdirs := 0
	for _, c := range n.children {
		if c.typ == sqDirType {
			subdirs++
			if err := sqWriteInodes(c, n.inode, inodes, dirs, mtime); err != nil {
				return err
			}
		}
	}

	// The listing: runs of entries whose inodes share a metadata block.
	listBlock, listOff := dirs.pos()
	var listing []byte
	for i := 0; i < len(n.children); {
		base := n.children[i]
		j := i
		for j < len(n.children) && j-i < sqMaxDirHeaderEntries && n.children[j].refBlock == base.refBlock {
			d := int64(n.children[j].inode) - int64(base.inode)
			if d < -32768 || d > 32767 {
				break
			}
			j++
		}
		listing = le.AppendUint32(listing, uint32(j-i-1))
		listing = le.AppendUint32(listing, base.refBlock)
		listing = le.AppendUint32(listing, base.inode)
		for _, c := range n.children[i:j] {
			listing = le.AppendUint16(listing, c.refOff)
			listing = le.AppendUint16(listing, uint16(int16(int64(c.inode)-int64(base.inode))))
			listing = le.AppendUint16(listing, c.typ)
			listing = le.AppendUint16(listing, uint16(len(c.name)-1))
			listing = append(listing, c.name...)
		}
		i = j
	}
	// file_size counts the listing plus 3 (the implicit "." and "..").
	if len(listing)+3 > 0xffff {
		return fmt.Errorf("gokrazy: squashfs: directory /%s too large for a basic inode", n.e.Path)
	}
	dirs.write(listing)

	n.refBlock, n.refOff = inodes.pos()
	b := header(sqDirType, n.e.Mode, n.inode)
	b = le.AppendUint32(b, listBlock)
	b = le.AppendUint32(b, uint32(2+subdirs)) // nlink
	b = le.AppendUint16(b, uint16(len(listing)+3))
	b = le.AppendUint16(b, listOff)
	b = le.AppendUint32(b, parent)
	inodes.write(b)
	return nil
}
