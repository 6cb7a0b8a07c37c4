package gokrazy

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"

	"github.com/diskfs/go-diskfs/backend"
	"github.com/diskfs/go-diskfs/filesystem/squashfs"
)

// squashfsMkfsTimeOffset is the superblock's modification_time field
// (bytes 8–11, little-endian seconds), which go-diskfs fills from time.Now.
const squashfsMkfsTimeOffset = 8

// writeSquashFS writes t as a SquashFS at offset start of b, at most size
// bytes, and returns the bytes used. Data blocks are gzip (zlib): the served
// gokrazy kernels enable only CONFIG_SQUASHFS_ZLIB. Every file is owned by
// root (gokrazy's writer has a single uid/gid 0).
func writeSquashFS(b backend.Storage, start, size int64, t *tree, epoch int64) (int64, error) {
	for _, e := range t.sorted() {
		if e.Mode&fs.ModeSymlink != 0 {
			// go-diskfs v1.9.4 follows symlinks when listing xattrs and reads
			// their targets relative to the process's working directory, so a
			// symlink to a device-side path (/tmp/resolv.conf) cannot be written.
			return 0, fmt.Errorf("gokrazy: squashfs: symlink %s: not supported by the go-diskfs writer", e.Path)
		}
	}
	sq, err := squashfs.Create(b, size, start, 0)
	if err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: create: %w", err)
	}
	ws := sq.Workspace()
	defer os.RemoveAll(ws)
	if err := t.materialize(ws, epoch); err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: %w", err)
	}
	root := uint32(0)
	err = sq.Finalize(squashfs.FinalizeOptions{
		Compression: &squashfs.CompressorGzip{},
		FileUID:     &root,
		FileGID:     &root,
		// Like gokrazy's writer: whole blocks only. Small files packed into
		// go-diskfs fragments are unreadable to the kernel (ENOENT on
		// /etc/hostname, which makes init exit).
		NoFragments: true,
	})
	if err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: finalize: %w", err)
	}
	w, err := b.Writable()
	if err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: %w", err)
	}
	sb := make([]byte, 96)
	if _, err := w.ReadAt(sb, start); err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: read superblock: %w", err)
	}
	if string(sb[0:4]) != "hsqs" {
		return 0, fmt.Errorf("gokrazy: squashfs: no superblock magic after finalize")
	}
	// Pin the mkfs time to the build epoch so two builds are identical.
	var ts [4]byte
	binary.LittleEndian.PutUint32(ts[:], uint32(epoch))
	if _, err := w.WriteAt(ts[:], start+squashfsMkfsTimeOffset); err != nil {
		return 0, fmt.Errorf("gokrazy: squashfs: pin mkfs time: %w", err)
	}
	used := int64(binary.LittleEndian.Uint64(sb[40:48])) // bytes_used
	if used > size {
		return 0, fmt.Errorf("gokrazy: squashfs: %d bytes do not fit the %d-byte root partition", used, size)
	}
	return used, nil
}
