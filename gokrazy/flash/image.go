package flash

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
)

// sectorSize is the logical sector the GPT is laid out in (gokrazy.SectorSize).
const sectorSize = 512

// GUIDPrefix starts every partition and disk GUID gokrazy writes
// (gokrazy.PartitionGUIDString); the rest is the hostname hash and the
// partition number. It is what tells a Mitra image from any other disk
// image.
const GUIDPrefix = "60c24cc1-f3f9-427a-8199-"

// piBootStartLBA is where gokrazy's Raspberry Pi MBR puts the FAT boot
// partition (4 MiB, gokrazy/internal deviceconfig's DefaultBootPartitionStartLBA).
const piBootStartLBA = 8192

// Image is an appliance image that passed CheckImage.
type Image struct {
	Path string
	Size int64
	// Layout says what identified it: "GPT" (PC or Raspberry Pi; Mitra's
	// builder writes a GPT with a hybrid MBR for both) or "MBR" (an older
	// MBR-only gokrazy Raspberry Pi image).
	Layout string
}

// CheckImage opens path and checks that it is a Mitra appliance image: a
// GPT whose header checksum is right and whose disk GUID carries gokrazy's
// prefix, or else a gokrazy Raspberry Pi MBR.
func CheckImage(path string) (Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return Image{}, refusef("cannot open the image: %v (build it with `make image`: build/mitra-amd64.img, or ARCH=arm64 for build/mitra-rpi.img)", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Image{}, fmt.Errorf("flash: image: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Image{}, refusef("%s is not an image file; give the file `make image` wrote, e.g. build/mitra-amd64.img", path)
	}
	head := make([]byte, 2*sectorSize)
	if _, err := io.ReadFull(f, head); err != nil {
		return Image{}, refusef("%s is not a Mitra image (%d bytes, too short for a partition table); build one with `make image`", path, st.Size())
	}
	img := Image{Path: path, Size: st.Size()}
	// A GPT decides: gokrazy's hybrid MBR sits in front of every Mitra GPT,
	// so the MBR alone identifies only images without one.
	hasGPT := bytes.Equal(head[sectorSize:sectorSize+8], []byte("EFI PART"))
	switch {
	case hasGPT && isMitraGPT(head[sectorSize:]):
		img.Layout = "GPT"
	case !hasGPT && isGokrazyPiMBR(head[:sectorSize]):
		img.Layout = "MBR"
	default:
		return Image{}, refusef("%s is not a Mitra image (no GPT with gokrazy's partition GUIDs %s…, no gokrazy Raspberry Pi MBR); build one with `make image`", path, GUIDPrefix)
	}
	return img, nil
}

// isMitraGPT reports whether lba1 is a GPT header with a correct CRC and a
// disk GUID from gokrazy's scheme.
func isMitraGPT(lba1 []byte) bool {
	if !bytes.Equal(lba1[0:8], []byte("EFI PART")) {
		return false
	}
	size := binary.LittleEndian.Uint32(lba1[12:])
	if size < 92 || size > sectorSize {
		return false
	}
	// The header CRC is computed with its own field zeroed (UEFI §5.3.2).
	h := append([]byte(nil), lba1[:size]...)
	want := binary.LittleEndian.Uint32(h[16:])
	clear(h[16:20])
	if crc32.ChecksumIEEE(h) != want {
		return false
	}
	return strings.HasPrefix(guidString(lba1[56:72]), GUIDPrefix)
}

// isGokrazyPiMBR reports whether lba0 is gokrazy's Raspberry Pi MBR: the
// boot signature and a FAT32 (LBA) first partition at 4 MiB, where the Pi's
// ROM looks for the firmware.
func isGokrazyPiMBR(lba0 []byte) bool {
	if lba0[510] != 0x55 || lba0[511] != 0xaa {
		return false
	}
	e := lba0[446:462]
	return (e[4] == 0x0c || e[4] == 0x0b) && binary.LittleEndian.Uint32(e[8:]) == piBootStartLBA
}

// guidString formats an on-disk GUID: the first three fields are stored
// little-endian, the last two big-endian.
func guidString(b []byte) string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(b[0:]), binary.LittleEndian.Uint16(b[4:]),
		binary.LittleEndian.Uint16(b[6:]), b[8:10], b[10:16])
}
