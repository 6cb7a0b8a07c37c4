package gokrazy

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testTree is a small root with the shapes the image has: nested
// directories, empty and multi-block files, incompressible data, a
// symlink to a device-side path, and a directory with many entries.
func testTree(t *testing.T) (*tree, map[string][]byte) {
	t.Helper()
	tr := newTree()
	files := map[string][]byte{
		"etc/hostname":        []byte("mitra-test"),
		"etc/empty":           {},
		"gokrazy/init":        bytes.Repeat([]byte("init!"), 100_000), // 500 kB: four 128 KiB blocks
		"user/mitra":          make([]byte, 3*sqBlockSize+17),
		"lib/modules/7.1/x.k": []byte("module"),
	}
	random := make([]byte, 200_000) // does not compress: stored raw
	rand.Read(random)
	files["etc/random.bin"] = random
	for i := 0; i < 300; i++ { // more than one directory header (256 entries)
		files[fmt.Sprintf("many/f%03d", i)] = []byte(fmt.Sprint(i))
	}
	for p, b := range files {
		if err := tr.file(p, 0o444, b); err != nil {
			t.Fatal(err)
		}
	}
	tr.dir("tmp", 0o555)
	if err := tr.symlink("etc/resolv.conf", "/tmp/resolv.conf"); err != nil {
		t.Fatal(err)
	}
	return tr, files
}

// TestSquashFSUnsquashfs writes a SquashFS and reads it back with
// squashfs-tools' unsquashfs, the independent implementation.
func TestSquashFSUnsquashfs(t *testing.T) {
	unsquashfs := needTool(t, "unsquashfs", "squashfs-tools")
	tr, files := testTree(t)
	img := filepath.Join(t.TempDir(), "root.squashfs")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	used, err := writeSquashFS(f, 0, 64<<20, tr, 1764000000)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := runTool(t, unsquashfs, "-s", img)
	for _, want := range []string{"Compression gzip", "Block size 131072", fmt.Sprintf("Filesystem size %d bytes", used)} {
		if !strings.Contains(out, want) {
			t.Errorf("unsquashfs -s: missing %q:\n%s", want, out)
		}
	}
	dir := filepath.Join(t.TempDir(), "x")
	runTool(t, unsquashfs, "-d", dir, img)
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes differ from the %d written", p, len(got), len(want))
		}
	}
	if got, err := os.Readlink(filepath.Join(dir, "etc/resolv.conf")); err != nil || got != "/tmp/resolv.conf" {
		t.Errorf("etc/resolv.conf -> %q (%v), want /tmp/resolv.conf", got, err)
	}
	listing := runTool(t, unsquashfs, "-lln", img)
	for _, want := range []string{"dr-xr-xr-x 0/0", "-r--r--r-- 0/0", "2025-11-24 16:00 squashfs-root/etc/hostname"} {
		if !strings.Contains(listing, want) {
			t.Errorf("unsquashfs -lln: missing %q", want)
		}
	}
}

func TestSquashFSTooSmall(t *testing.T) {
	tr, _ := testTree(t)
	f, err := os.Create(filepath.Join(t.TempDir(), "small"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := writeSquashFS(f, 0, 100_000, tr, 0); err == nil {
		t.Errorf("writeSquashFS into 100 kB succeeded, want a does-not-fit error")
	}
}
