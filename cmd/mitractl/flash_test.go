package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/gokrazy/flash"
	"github.com/mitra-kiosk/mitra/gokrazy/flash/flashtest"
)

// flashFixture is a 4 MiB Mitra Pi image and flashtest's fake machine
// (sdb a clean 16 GB stick, sdc1 mounted; see flashtest.NewMachine), which
// flash uses until the test ends.
func flashFixture(t *testing.T) (image, dev string) {
	image = flashtest.MitraImage(t, t.TempDir(), "mitra-rpi.img", "arm64", 4<<20)
	m := flashtest.NewMachine(t)
	old := flashSystem
	flashSystem = flash.System{Sys: m.Sys, Proc: m.Proc}
	t.Cleanup(func() { flashSystem = old })
	return image, m.Dev
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
		{[]string{"--image", image, "--device", filepath.Join(dev, "sdc"), "--yes", "--allow-file"}, 1, "sdc1 is mounted on /media/tech/MITRA BOOT; unmount it first"},
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
		if !strings.Contains(errb.String(), "This ERASES everything on "+sdb+" (SanDisk Ultra 16.0 GB).\nType the device name (sdb) to continue: ") {
			t.Errorf("prompt = %q", errb.String())
		}
		st, _ := os.Stat(sdb)
		if code != tt.code || (code == 0) != (st.Size() > 0) {
			t.Errorf("flash answering %q = %d with %d bytes written, want %d", tt.typed, code, st.Size(), tt.code)
		}
	}
}
