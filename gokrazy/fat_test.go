package gokrazy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFATTools writes a boot file system and checks it with dosfstools'
// fsck.fat and reads it back with mtools.
func TestFATTools(t *testing.T) {
	fsck := needTool(t, "fsck.fat", "dosfstools")
	mcopy := needTool(t, "mcopy", "mtools")
	mdir := needTool(t, "mdir", "mtools")
	tr := newTree()
	files := map[string][]byte{
		"vmlinuz":                   bytes.Repeat([]byte{0x4d, 0x5a, 1, 2, 3}, 300_000),
		"cmdline.txt":               []byte("root=PARTUUID=x/PARTNROFF=1" + strings.Repeat(" ", 64)),
		"EFI/BOOT/BOOTX64.EFI":      []byte("MZ systemd-boot"),
		"loader/entries/mitra.conf": []byte("title Mitra\n"),
		"A Long Mixed Name.dtb":     []byte("dtb"),
		"empty":                     {},
	}
	for p, b := range files {
		if err := tr.file(p, 0o444, b); err != nil {
			t.Fatal(err)
		}
	}
	img := filepath.Join(t.TempDir(), "boot.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	const size = 100 << 20
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := writeFAT(f, 0, size, tr, 1764000000, 0x1234abcd); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := runTool(t, fsck, "-n", "-v", img)
	// gokrazy's FAT reader assumes one FAT of 16-bit entries.
	if !strings.Contains(out, "1 FATs, 16 bit entries") {
		t.Errorf("fsck.fat -n -v: want one 16-bit FAT:\n%s", out)
	}
	dir := t.TempDir()
	for p, want := range files {
		dst := filepath.Join(dir, strings.ReplaceAll(p, "/", "_"))
		runTool(t, mcopy, "-n", "-i", img, "::/"+p, dst)
		got, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: read back %d bytes, want %d", p, len(got), len(want))
		}
	}
	listing := runTool(t, mdir, "-i", img, "::/")
	for _, want := range []string{"MITRABOOT", "cmdline  txt", "A Long Mixed Name.dtb", "1234-ABCD"} {
		if !strings.Contains(listing, want) {
			t.Errorf("mdir: missing %q:\n%s", want, listing)
		}
	}
}
