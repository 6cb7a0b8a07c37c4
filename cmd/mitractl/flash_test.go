package main

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/flash"
)

type headerWriter []byte

func (h headerWriter) WriteAt(p []byte, off int64) (int, error) {
	if off < int64(len(h)) {
		copy(h[off:], p)
	}
	return len(p), nil
}

// flashFixture is a 4 MiB Mitra image, a fake sysfs/procfs with a 16 GB
// disk sdb (whose dev node is a regular file) and a disk sdc whose first
// partition is mounted.
func flashFixture(t *testing.T) (image, dev string) {
	dir := t.TempDir()
	l, err := gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	head := make(headerWriter, 34*512)
	l.WritePartitionTable(head)
	image = filepath.Join(dir, "mitra-rpi.img")
	f, _ := os.Create(image)
	f.Write(head)
	io.CopyN(f, rand.Reader, 4<<20-int64(len(head)))
	f.Close()

	sys, proc, dev := filepath.Join(dir, "sys"), filepath.Join(dir, "proc"), filepath.Join(dir, "dev")
	for _, b := range []struct{ name, rel, majmin string }{
		{"sdb", "devices/usb1/block/sdb", "8:16"},
		{"sdc", "devices/usb2/block/sdc", "8:32"},
		{"sdc1", "devices/usb2/block/sdc/sdc1", "8:33"},
	} {
		node := filepath.Join(sys, b.rel)
		os.MkdirAll(node, 0o755)
		os.WriteFile(filepath.Join(node, "dev"), []byte(b.majmin+"\n"), 0o644)
		if strings.HasSuffix(b.name, "1") {
			os.WriteFile(filepath.Join(node, "partition"), []byte("1\n"), 0o644)
		} else {
			os.WriteFile(filepath.Join(node, "size"), []byte("31250000\n"), 0o644)
		}
		os.MkdirAll(filepath.Join(sys, "class", "block"), 0o755)
		os.Symlink(filepath.Join("..", "..", b.rel), filepath.Join(sys, "class", "block", b.name))
		os.MkdirAll(filepath.Join(dev), 0o755)
		os.WriteFile(filepath.Join(dev, b.name), nil, 0o644)
	}
	os.MkdirAll(filepath.Join(proc, "self"), 0o755)
	os.WriteFile(filepath.Join(proc, "self", "mountinfo"), []byte("40 26 8:33 / /media/tech/BOOT rw - vfat /dev/sdc1 rw\n"), 0o644)
	old := flashSystem
	flashSystem = flash.System{Sys: sys, Proc: proc}
	t.Cleanup(func() { flashSystem = old })
	return image, dev
}

func TestFlash(t *testing.T) {
	image, dev := flashFixture(t)
	sdb := filepath.Join(dev, "sdb")
	var out, errb bytes.Buffer
	if code := run([]string{"flash", "--image", image, "--device", sdb, "--yes", "--allow-file"}, &out, &errb); code != 0 {
		t.Fatalf("flash = %d: %s %s", code, out.String(), errb.String())
	}
	for _, want := range []string{"image     sha256 ", "read-back sha256 ", "verified in", "OK: " + sdb + " matches the image"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("flash output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "verifying 100%") {
		t.Errorf("flash progress on stderr = %q", errb.String())
	}
	a, _ := os.ReadFile(image)
	b, _ := os.ReadFile(sdb)
	if !bytes.Equal(a, b) {
		t.Errorf("%s differs from the image", sdb)
	}
}

func TestFlashRefusals(t *testing.T) {
	image, dev := flashFixture(t)
	notImage := filepath.Join(t.TempDir(), "photo.jpg")
	os.WriteFile(notImage, bytes.Repeat([]byte{0xff}, 64<<10), 0o644)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--image", image}, 2, "usage: mitractl flash"},
		{[]string{"--image", notImage, "--device", filepath.Join(dev, "sdb"), "--yes", "--allow-file"}, 1, "not a Mitra image"},
		{[]string{"--image", image, "--device", filepath.Join(dev, "sdb"), "--yes"}, 1, "regular file, not a disk"},
		{[]string{"--image", image, "--device", filepath.Join(dev, "sdc"), "--yes", "--allow-file"}, 1, "sdc1 is mounted on /media/tech/BOOT; unmount it first"},
		{[]string{"--image", image, "--device", filepath.Join(dev, "sdc1"), "--yes", "--allow-file"}, 1, "give the whole disk: --device " + filepath.Join(dev, "sdc")},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"flash"}, tt.args...), &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.want) || strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 && tt.code == 1 {
			t.Errorf("flash %q = %d, %q; want %d and one line with %q", tt.args, code, errb.String(), tt.code, tt.want)
		}
	}
}

func TestFlashConfirmation(t *testing.T) {
	image, dev := flashFixture(t)
	sdb := filepath.Join(dev, "sdb")
	for _, tt := range []struct {
		typed string
		code  int
	}{
		{"y\n", 1},
		{"", 1},
		{"sdc\n", 1},
		{"sdb\n", 0},
	} {
		os.WriteFile(sdb, nil, 0o644)
		var out, errb bytes.Buffer
		code := flashCmd([]string{"--image", image, "--device", sdb, "--allow-file"}, strings.NewReader(tt.typed), &out, &errb)
		if !strings.Contains(errb.String(), "This ERASES everything on "+sdb+" (16.0 GB).\nType the device name (sdb) to continue: ") {
			t.Errorf("prompt = %q", errb.String())
		}
		st, _ := os.Stat(sdb)
		if code != tt.code || (code == 0) != (st.Size() > 0) {
			t.Errorf("flash answering %q = %d with %d bytes written, want %d", tt.typed, code, st.Size(), tt.code)
		}
	}
}
