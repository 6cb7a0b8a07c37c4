package flash

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/gokrazy"
)

// headerWriter keeps what gokrazy's layout writes into the first bytes of
// a disk (the MBR and the primary GPT) and drops the backup GPT at the end,
// so a test image can be small.
type headerWriter []byte

func (h headerWriter) WriteAt(p []byte, off int64) (int, error) {
	if off < int64(len(h)) {
		copy(h[off:], p)
	}
	return len(p), nil
}

// testImage writes a Mitra image of size bytes into dir: the partition
// table exactly as the image builder writes it, then random bytes.
func testImage(t testing.TB, dir string, size int64) string {
	t.Helper()
	l, err := gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	head := make(headerWriter, 34*sectorSize)
	if err := l.WritePartitionTable(head); err != nil {
		t.Fatal(err)
	}
	return writeImage(t, dir, "mitra-amd64.img", head, size)
}

func writeImage(t testing.TB, dir, name string, head []byte, size int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size-int64(len(head))); err != nil {
		t.Fatal(err)
	}
	return p
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
	other := make(headerWriter, 34*sectorSize)
	l.WritePartitionTable(other)
	otherGPT := writeImage(t, dir, "ubuntu.img", other, 1<<20)

	corrupt := append(headerWriter(nil), make(headerWriter, 34*sectorSize)...)
	l, _ = gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", "arm64")
	l.WritePartitionTable(corrupt)
	corrupt[sectorSize+60] ^= 1 // in the disk GUID, under the header CRC
	badCRC := writeImage(t, dir, "badcrc.img", corrupt, 1<<20)

	// An MBR-only gokrazy Pi image: only LBA 0 of the builder's table.
	mbrOnly := make(headerWriter, 34*sectorSize)
	l.WritePartitionTable(mbrOnly)
	clear(mbrOnly[sectorSize:])
	pi := writeImage(t, dir, "mitra-rpi.img", mbrOnly, 1<<20)

	short := filepath.Join(dir, "short.img")
	os.WriteFile(short, []byte("EFI PART"), 0o644)
	random := writeImage(t, dir, "random.img", nil, 1<<20)

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

// fakeSystem is a /sys and /proc tree with these disks, and a dev/
// directory of regular files standing in for their device nodes:
//
//	sda  8:0   the system disk: sda1 /boot, sda2 under dm-0 (LVM), which is /
//	sdb  8:16  a clean 16 GB USB stick with one partition
//	sdc  8:32  a card whose sdc1 is mounted on /media/tech/MITRA BOOT
//	sdd  8:48  a disk whose sdd1 is an LVM physical volume (held by dm-2)
//	sde  8:64  a 100 MB card
//	mmcblk0 179:0  an SD card with mmcblk0p1
//	dm-0 253:0 and dm-2 253:2  device-mapper volumes
type fakeSystem struct {
	System
	dev string
}

func newFakeSystem(t *testing.T) fakeSystem {
	root := t.TempDir()
	fs := fakeSystem{System{Sys: filepath.Join(root, "sys"), Proc: filepath.Join(root, "proc")}, filepath.Join(root, "dev")}
	os.MkdirAll(fs.dev, 0o755)
	type blk struct {
		name, parent, majmin string
		sectors              int64
		holders, slaves      []string
		dm                   bool
	}
	for _, b := range []blk{
		{name: "sda", majmin: "8:0", sectors: 500e9 / 512},
		{name: "sda1", parent: "sda", majmin: "8:1"},
		{name: "sda2", parent: "sda", majmin: "8:2", holders: []string{"dm-0"}},
		{name: "sdb", majmin: "8:16", sectors: 16e9 / 512},
		{name: "sdb1", parent: "sdb", majmin: "8:17"},
		{name: "sdc", majmin: "8:32", sectors: 16e9 / 512},
		{name: "sdc1", parent: "sdc", majmin: "8:33"},
		{name: "sdd", majmin: "8:48", sectors: 16e9 / 512},
		{name: "sdd1", parent: "sdd", majmin: "8:49", holders: []string{"dm-2"}},
		{name: "sde", majmin: "8:64", sectors: 100e6 / 500},
		{name: "mmcblk0", majmin: "179:0", sectors: 32e9 / 512},
		{name: "mmcblk0p1", parent: "mmcblk0", majmin: "179:1"},
		{name: "dm-0", majmin: "253:0", sectors: 400e9 / 512, slaves: []string{"sda2"}, dm: true},
		{name: "dm-2", majmin: "253:2", sectors: 16e9 / 512, slaves: []string{"sdd1"}, dm: true},
	} {
		rel := filepath.Join("devices", "pci0000:00", "block", b.name)
		if b.parent != "" {
			rel = filepath.Join("devices", "pci0000:00", "block", b.parent, b.name)
		}
		if b.dm {
			rel = filepath.Join("devices", "virtual", "block", b.name)
		}
		node := filepath.Join(fs.Sys, rel)
		os.MkdirAll(node, 0o755)
		os.WriteFile(filepath.Join(node, "dev"), []byte(b.majmin+"\n"), 0o644)
		if b.sectors > 0 {
			os.WriteFile(filepath.Join(node, "size"), []byte(strconv.FormatInt(b.sectors, 10)+"\n"), 0o644)
		}
		if b.parent != "" {
			os.WriteFile(filepath.Join(node, "partition"), []byte("1\n"), 0o644)
		} else if !b.dm {
			os.MkdirAll(filepath.Join(node, "device"), 0o755)
			os.WriteFile(filepath.Join(node, "device", "vendor"), []byte("SanDisk \n"), 0o644)
			os.WriteFile(filepath.Join(node, "device", "model"), []byte("Ultra           \n"), 0o644)
		}
		if b.dm {
			os.MkdirAll(filepath.Join(node, "dm"), 0o755)
		}
		os.MkdirAll(filepath.Join(node, "holders"), 0o755)
		for _, h := range b.holders {
			os.Symlink(filepath.Join("..", "..", "..", "..", "virtual", "block", h), filepath.Join(node, "holders", h))
		}
		os.MkdirAll(filepath.Join(node, "slaves"), 0o755)
		for _, s := range b.slaves {
			os.WriteFile(filepath.Join(node, "slaves", s), nil, 0o644) // only the name matters
		}
		for _, link := range []string{filepath.Join("class", "block", b.name), filepath.Join("dev", "block", b.majmin)} {
			os.MkdirAll(filepath.Join(fs.Sys, filepath.Dir(link)), 0o755)
			if err := os.Symlink(filepath.Join("..", "..", rel), filepath.Join(fs.Sys, link)); err != nil {
				t.Fatal(err)
			}
		}
		os.WriteFile(filepath.Join(fs.dev, b.name), nil, 0o644)
	}
	os.MkdirAll(filepath.Join(fs.Proc, "self"), 0o755)
	os.WriteFile(filepath.Join(fs.Proc, "self", "mountinfo"), []byte(`21 26 0:20 / /proc rw,relatime - proc proc rw
26 1 253:0 / / rw,relatime - ext4 /dev/mapper/vg-root rw
27 26 8:1 / /boot rw,relatime - vfat /dev/sda1 rw
28 26 0:30 / /tmp rw - tmpfs tmpfs rw
40 26 8:33 / /media/tech/MITRA\040BOOT rw,nosuid - vfat /dev/sdc1 rw
`), 0o644)
	return fs
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
