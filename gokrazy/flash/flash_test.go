package flash

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/flash/flashtest"
)

// testImage writes a Mitra PC image of size bytes into dir.
func testImage(t testing.TB, dir string, size int64) string {
	t.Helper()
	return flashtest.MitraImage(t, dir, "mitra-amd64.img", "amd64", size)
}

func TestGUIDPrefixMatchesBuilder(t *testing.T) {
	if got, want := GUIDPrefix, gokrazy.PartitionGUIDString(0, 0)[:len(GUIDPrefix)]; got != want {
		t.Errorf("GUIDPrefix = %q, want %q (gokrazy.PartitionGUIDString)", got, want)
	}
}

func TestCheckImage(t *testing.T) {
	dir := t.TempDir()
	mitra := testImage(t, dir, 1<<20)

	l, _ := gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", "amd64")
	l.DiskGUID = [16]byte{1, 2, 3} // someone else's GPT disk
	otherGPT := flashtest.WriteImage(t, dir, "ubuntu.img", flashtest.PartitionTable(t, l), 1<<20)

	l, _ = gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", "arm64")
	corrupt := flashtest.PartitionTable(t, l)
	corrupt[sectorSize+60] ^= 1 // in the disk GUID, under the header CRC
	badCRC := flashtest.WriteImage(t, dir, "badcrc.img", corrupt, 1<<20)

	// An MBR-only gokrazy Pi image: only LBA 0 of the builder's table.
	mbrOnly := flashtest.PartitionTable(t, l)
	clear(mbrOnly[sectorSize:])
	pi := flashtest.WriteImage(t, dir, "mitra-rpi.img", mbrOnly, 1<<20)

	short := filepath.Join(dir, "short.img")
	os.WriteFile(short, []byte("EFI PART"), 0o644)
	random := flashtest.WriteImage(t, dir, "random.img", nil, 1<<20)

	for _, tt := range []struct {
		path       string
		wantLayout string
		wantErr    string
	}{
		{mitra, "GPT", ""},
		{pi, "MBR", ""},
		{otherGPT, "", "not a Mitra image"},
		{badCRC, "", "not a Mitra image"},
		{random, "", "not a Mitra image"},
		{short, "", "too short"},
		{filepath.Join(dir, "missing.img"), "", "make image"},
		{dir, "", "not an image file"},
	} {
		img, err := CheckImage(tt.path)
		if tt.wantErr != "" {
			var r *Refusal
			if !errors.As(err, &r) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("CheckImage(%s) = %v, want a refusal containing %q", filepath.Base(tt.path), err, tt.wantErr)
			}
			continue
		}
		if err != nil || img.Layout != tt.wantLayout || img.Size != 1<<20 {
			t.Errorf("CheckImage(%s) = %+v, %v; want layout %s", filepath.Base(tt.path), img, err, tt.wantLayout)
		}
	}
}

// fakeSystem is flashtest's machine as a System (see flashtest.NewMachine
// for its disks), with dev its device node stand-ins.
type fakeSystem struct {
	System
	dev string
}

func newFakeSystem(t *testing.T) fakeSystem {
	m := flashtest.NewMachine(t)
	return fakeSystem{System{Sys: m.Sys, Proc: m.Proc}, m.Dev}
}

func TestInspect(t *testing.T) {
	fs := newFakeSystem(t)
	const img = 1258299392 // gokrazy.DefaultDiskSize
	for _, tt := range []struct {
		dev       string
		allowFile bool
		want      string // substring of the refusal; "" means accepted
	}{
		{"sdb", true, ""},
		{"mmcblk0", true, ""},
		{"sdb", false, "regular file, not a disk"},
		{"sdb1", true, "partition of sdb; give the whole disk: --device " + filepath.Join(fs.dev, "sdb")},
		{"mmcblk0p1", true, "--device " + filepath.Join(fs.dev, "mmcblk0")},
		{"sda", true, "the disk this computer runs from (it holds /)"},
		{"sdc", true, "sdc1 is mounted on /media/tech/MITRA BOOT; unmount it first"},
		{"sdd", true, "in use by dm-2"},
		{"dm-2", true, "device-mapper or RAID volume"},
		{"sde", true, "holds 102.4 MB but the image is 1.3 GB"},
		{"sdz", true, "no device"},
	} {
		d, err := fs.Inspect(filepath.Join(fs.dev, tt.dev), img, tt.allowFile)
		if tt.want == "" {
			if err != nil || d.Name != tt.dev || d.Size < img || d.Model != "SanDisk Ultra" {
				t.Errorf("Inspect(%s) = %+v, %v; want accepted with size and model", tt.dev, d, err)
			}
			continue
		}
		var r *Refusal
		if !errors.As(err, &r) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Inspect(%s) = %v, want a refusal containing %q", tt.dev, err, tt.want)
		}
	}
}

func TestInspectBootOnlyThroughBoot(t *testing.T) {
	// / on overlay (a container), /boot on mmcblk0p1: the card is the system's.
	fs := newFakeSystem(t)
	os.WriteFile(filepath.Join(fs.Proc, "self", "mountinfo"), []byte("26 1 0:52 / / rw - overlay overlay rw\n27 26 179:1 / /boot rw - vfat /dev/mmcblk0p1 rw\n"), 0o644)
	_, err := fs.Inspect(filepath.Join(fs.dev, "mmcblk0"), 1<<20, true)
	if err == nil || !strings.Contains(err.Error(), "runs from (it holds /boot)") {
		t.Errorf("Inspect(mmcblk0) with /boot on it = %v, want the boot disk refusal", err)
	}
}

func TestInspectNotBlock(t *testing.T) {
	if _, err := Host.Inspect("/dev/null", 1, true); err == nil || !strings.Contains(err.Error(), "not a block device") {
		t.Errorf("Inspect(/dev/null) = %v, want a refusal", err)
	}
}

// plainTarget is a regular file unknown to sysfs: it only grows.
func plainTarget(t testing.TB, dir string) Disk {
	t.Helper()
	p := filepath.Join(dir, "target")
	os.WriteFile(p, nil, 0o644)
	d, err := Host.Inspect(p, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fakeClock advances by step each time it is read.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	img, err := CheckImage(testImage(t, dir, 10<<20+512))
	if err != nil {
		t.Fatal(err)
	}
	d := plainTarget(t, dir)
	var prog bytes.Buffer
	r, err := Write(context.Background(), img, d, &Options{Progress: &prog, BufSize: 1 << 20, Now: fakeClock(100 * time.Millisecond)})
	if err != nil {
		t.Fatalf("Write = %v", err)
	}
	if r.ImageSHA256 != r.ReadBackSHA256 || len(r.ImageSHA256) != 64 || r.Bytes != img.Size || r.ReadBack == "" {
		t.Errorf("Write = %+v; want equal sums over %d bytes", r, img.Size)
	}
	a, _ := os.ReadFile(img.Path)
	b, _ := os.ReadFile(d.Path)
	if !bytes.Equal(a, b) {
		t.Errorf("the target differs from the image")
	}
	// Without a terminal: one line per 10 % and phase, no carriage returns.
	lines := strings.Split(strings.TrimSpace(prog.String()), "\n")
	if len(lines) != 20 || strings.Contains(prog.String(), "\r") {
		t.Errorf("progress = %d lines:\n%s\nwant 10 for writing and 10 for verifying", len(lines), prog.String())
	}
	if got := lines[0]; !strings.HasPrefix(got, "writing    19%  2.1 MB / 10.5 MB") || !strings.Contains(got, "MB/s") || !strings.Contains(got, "ETA 0:") {
		t.Errorf("first progress line = %q", got)
	}
	if got := lines[9]; !strings.HasPrefix(got, "writing   100%  10.5 MB / 10.5 MB") || !strings.Contains(got, " in ") {
		t.Errorf("last writing line = %q", got)
	}
	if got := lines[19]; !strings.HasPrefix(got, "verifying 100%") {
		t.Errorf("last progress line = %q", got)
	}
}

func TestWriteProgressTerminal(t *testing.T) {
	dir := t.TempDir()
	img, _ := CheckImage(testImage(t, dir, 8<<20))
	var prog bytes.Buffer
	_, err := Write(context.Background(), img, plainTarget(t, dir), &Options{Progress: &prog, IsTerminal: true, BufSize: 1 << 20, Now: fakeClock(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	s := prog.String()
	// Redrawn in place: carriage returns, one newline per phase.
	if strings.Count(s, "\r") < 8 || strings.Count(s, "\n") != 2 {
		t.Errorf("terminal progress = %q; want redraws with \\r and a newline per phase", s)
	}
	for _, want := range []string{"writing    12%  1.0 MB / 8.4 MB", "MB/s", "ETA 0:", "verifying 100%  8.4 MB / 8.4 MB"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal progress = %q; want %q", s, want)
		}
	}
}

// flipper corrupts one byte at offset on its way to the disk, like a card
// that silently drops a bit.
type flipper struct {
	w      io.Writer
	off    int64
	at     int64
	copied []byte
}

func (f *flipper) Write(p []byte) (int, error) {
	if f.off <= f.at && f.at < f.off+int64(len(p)) {
		f.copied = append(f.copied[:0], p...)
		f.copied[f.at-f.off] ^= 0x10
		p = f.copied
	}
	f.off += int64(len(p))
	return f.w.Write(p)
}

func TestWriteDetectsCorruption(t *testing.T) {
	dir := t.TempDir()
	img, _ := CheckImage(testImage(t, dir, 4<<20))
	d := plainTarget(t, dir)
	opts := &Options{BufSize: 1 << 20, wrap: func(w io.Writer) io.Writer { return &flipper{w: w, at: 3<<20 + 17} }}
	r, err := Write(context.Background(), img, d, opts)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("Write through a byte flipper = %v, want ErrMismatch", err)
	}
	if r.ImageSHA256 == r.ReadBackSHA256 || r.ImageSHA256 == "" || r.ReadBackSHA256 == "" {
		t.Errorf("Write = %+v; want both sums, different", r)
	}
}

func TestWriteInterrupted(t *testing.T) {
	dir := t.TempDir()
	img, _ := CheckImage(testImage(t, dir, 4<<20))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, img, plainTarget(t, dir), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context = %v, want context.Canceled", err)
	}
}

func BenchmarkWrite256MiB(b *testing.B) {
	dir := b.TempDir()
	img, err := CheckImage(testImage(b, dir, 256<<20))
	if err != nil {
		b.Fatal(err)
	}
	d := plainTarget(b, dir)
	b.SetBytes(img.Size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Write(context.Background(), img, d, nil); err != nil {
			b.Fatal(err)
		}
	}
}
