package gokrazy

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPartitionGUIDString(t *testing.T) {
	for _, tt := range []struct {
		hostname string
		n        int
		want     string
	}{
		// FNV-1a-32("gokrazy") = 0x2e18c40c, as gokrazy derives it.
		{"gokrazy", 1, "60c24cc1-f3f9-427a-8199-2e18c40c0001"},
		{"gokrazy", 0, "60c24cc1-f3f9-427a-8199-2e18c40c0000"},
		{"", 4, "60c24cc1-f3f9-427a-8199-811c9dc50004"}, // FNV-1a offset basis
	} {
		if got := PartitionGUIDString(PartUUID(tt.hostname), tt.n); got != tt.want {
			t.Errorf("PartitionGUIDString(PartUUID(%q), %d) = %s, want %s", tt.hostname, tt.n, got, tt.want)
		}
	}
}

func TestParseGUIDMixedEndian(t *testing.T) {
	g, err := parseGUID("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b}
	if string(g[:]) != string(want) {
		t.Errorf("parseGUID(ESP) = % x, want % x", g, want)
	}
	for _, bad := range []string{"", "C12A7328F81F11D2BA4B00A0C93EC93B", "G12A7328-F81F-11D2-BA4B-00A0C93EC93B"} {
		if _, err := parseGUID(bad); err == nil {
			t.Errorf("parseGUID(%q) succeeded, want an error", bad)
		}
	}
}

func TestNewLayout(t *testing.T) {
	l, err := NewLayout(DefaultDiskSize, "gokrazy", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name        string
		p           Partition
		first, last uint64
	}{
		{"boot", l.Boot, 8192, 212991},
		{"root A", l.RootA, 212992, 1236991},
		{"root B", l.RootB, 1236992, 2260991},
		{"perm", l.Perm, 2260992, DefaultDiskSize/512 - 34},
	} {
		if tt.p.FirstLBA != tt.first || tt.p.LastLBA != tt.last {
			t.Errorf("%s = LBA %d..%d, want %d..%d", tt.name, tt.p.FirstLBA, tt.p.LastLBA, tt.first, tt.last)
		}
	}
	if _, err := NewLayout(1<<30, "x", "amd64"); err == nil {
		t.Errorf("NewLayout(1 GiB) succeeded; gokrazy's layout needs ≥ 1100 MiB")
	}
	if _, err := NewLayout(DefaultDiskSize, "x", "riscv64"); err == nil {
		t.Errorf("NewLayout(riscv64) succeeded, want an error")
	}
}

// TestPartitionTable checks the table with our own reading of the CRCs and
// the hybrid MBR, then with sgdisk (gdisk) as the independent tool.
func TestPartitionTable(t *testing.T) {
	l, err := NewLayout(DefaultDiskSize, "mitra-test", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(DefaultDiskSize); err != nil {
		t.Fatal(err)
	}
	if err := l.WritePartitionTable(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	mbr := b[:512]
	if mbr[510] != 0x55 || mbr[511] != 0xaa {
		t.Fatalf("MBR signature = % x, want 55 aa", mbr[510:])
	}
	if got, want := binary.LittleEndian.Uint32(mbr[440:]), PartUUID("mitra-test"); got != want {
		t.Errorf("MBR disk signature = %08x, want %08x", got, want)
	}
	if mbr[446] != 0x80 || mbr[450] != 0x0c || binary.LittleEndian.Uint32(mbr[454:]) != 8192 || binary.LittleEndian.Uint32(mbr[458:]) != 204800 {
		t.Errorf("MBR entry 1 = % x, want active FAT32-LBA at 8192 for 204800", mbr[446:462])
	}
	if mbr[466] != 0xee || binary.LittleEndian.Uint32(mbr[470:]) != 1 || binary.LittleEndian.Uint32(mbr[474:]) != 8191 {
		t.Errorf("MBR entry 2 = % x, want protective 0xEE at 1 for 8191", mbr[462:478])
	}
	last := int64(len(b)/512 - 1)
	for _, hdrLBA := range []int64{1, last} {
		h := append([]byte(nil), b[hdrLBA*512:hdrLBA*512+92]...)
		want := binary.LittleEndian.Uint32(h[16:])
		binary.LittleEndian.PutUint32(h[16:], 0)
		if got := crc32.ChecksumIEEE(h); got != want {
			t.Errorf("GPT header at LBA %d: CRC %08x, stored %08x", hdrLBA, got, want)
		}
		entries := int64(binary.LittleEndian.Uint64(h[72:]))
		if got, want := crc32.ChecksumIEEE(b[entries*512:entries*512+128*128]), binary.LittleEndian.Uint32(h[88:]); got != want {
			t.Errorf("GPT entries of header %d: CRC %08x, stored %08x", hdrLBA, got, want)
		}
	}

	sgdisk := needTool(t, "sgdisk", "gdisk")
	out := runTool(t, sgdisk, "-v", img)
	if !strings.Contains(out, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", out)
	}
	out = runTool(t, sgdisk, "-i", "1", img)
	if !strings.Contains(out, strings.ToUpper(PartitionGUIDString(PartUUID("mitra-test"), 1))) || !strings.Contains(out, "EFI system partition") {
		t.Errorf("sgdisk -i 1: want the ESP with gokrazy's GUID:\n%s", out)
	}
}
