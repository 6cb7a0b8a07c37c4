package update

import (
	"encoding/binary"
	"fmt"
	"io"
)

// RootOfDiskImage finds root A's SquashFS in a built disk image (the
// output of cmd/mitra-image): the offset of GPT partition 2 and the
// SquashFS's bytes_used, the length the kernel reads.
func RootOfDiskImage(img io.ReaderAt) (offset, length int64, err error) {
	const sector = 512
	hdr := make([]byte, 92)
	if _, err := img.ReadAt(hdr, sector); err != nil {
		return 0, 0, fmt.Errorf("update: disk image: %w", err)
	}
	if string(hdr[:8]) != "EFI PART" {
		return 0, 0, fmt.Errorf("update: disk image: no GPT (is this a Mitra disk image?)")
	}
	entries := int64(binary.LittleEndian.Uint64(hdr[72:]))
	entrySize := int64(binary.LittleEndian.Uint32(hdr[84:]))
	e := make([]byte, 48)
	if _, err := img.ReadAt(e, entries*sector+entrySize*(rootA-1)); err != nil {
		return 0, 0, fmt.Errorf("update: disk image: %w", err)
	}
	first, last := int64(binary.LittleEndian.Uint64(e[32:])), int64(binary.LittleEndian.Uint64(e[40:]))
	offset = first * sector
	// SquashFS 4.0 superblock: magic "hsqs" at 0, bytes_used (uint64) at 40.
	sb := make([]byte, 48)
	if _, err := img.ReadAt(sb, offset); err != nil {
		return 0, 0, fmt.Errorf("update: disk image: %w", err)
	}
	if string(sb[:4]) != "hsqs" {
		return 0, 0, fmt.Errorf("update: disk image: partition 2 holds no SquashFS")
	}
	length = int64(binary.LittleEndian.Uint64(sb[40:]))
	if length <= 0 || length > (last-first+1)*sector {
		return 0, 0, fmt.Errorf("update: disk image: SquashFS size %d does not fit partition 2", length)
	}
	return offset, length, nil
}
