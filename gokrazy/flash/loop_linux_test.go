package flash

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/gokrazy"
)

// TestLoopDevice flashes a real block device: a loop device over a sparse
// file the size of gokrazy's default disk, with partition scanning on, so
// that BLKRRPART makes the image's partitions appear where the kernel can
// parse them. It skips where loop devices are not permitted (not root, a
// container without /dev/loop*).
func TestLoopDevice(t *testing.T) {
	dir := t.TempDir()
	dev := attachLoop(t, dir, gokrazy.DefaultDiskSize)
	img, err := CheckImage(testImage(t, dir, 8<<20))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Host.Inspect(dev, img.Size, false)
	if err != nil {
		t.Fatalf("Inspect(%s) = %v", dev, err)
	}
	if !d.IsBlock || d.Size != gokrazy.DefaultDiskSize {
		t.Errorf("Inspect(%s) = %+v; want a block device of %d bytes", dev, d, int64(gokrazy.DefaultDiskSize))
	}
	r, err := Write(context.Background(), img, d, nil)
	if err != nil {
		t.Fatalf("Write(%s) = %v (%+v)", dev, err, r)
	}
	t.Logf("%s: wrote %d bytes in %v, verified in %v (%s), sha256 %s, BLKRRPART: %v", dev, r.Bytes, r.WriteTime, r.VerifyTime, r.ReadBack, r.ReadBackSHA256, r.RereadErr)
	if r.RereadErr != nil {
		t.Errorf("BLKRRPART on %s: %v", dev, r.RereadErr)
	}
	name := filepath.Base(dev)
	if !exists(filepath.Join("/sys/block", name, name+"p1")) {
		// BLKRRPART succeeded but the kernel found no partitions: kernels
		// built without partition parsers (Firecracker's) do this even for
		// tables sfdisk writes, so only the ioctl itself is checked here.
		t.Logf("%s: no partitions after BLKRRPART; this kernel does not parse partition tables", dev)
		return
	}
	// The same disk given as a partition is refused, naming the disk.
	if _, err := Host.Inspect(dev+"p1", img.Size, false); err == nil || !strings.Contains(err.Error(), "--device "+dev) {
		t.Errorf("Inspect(%sp1) = %v, want the partition refusal", dev, err)
	}
}

// TestHostSystemDiskRefused asks Inspect about the disk this test runs
// from, as the kernel reports it: it must be refused, whatever it is.
func TestHostSystemDiskRefused(t *testing.T) {
	mounts, err := Host.mounts()
	if err != nil {
		t.Skip(err)
	}
	var tried int
	for _, m := range bootMounts {
		for _, majmin := range mounts.devsAt(m) {
			for _, name := range Host.disksOf(majmin) {
				dev := filepath.Join("/dev", name)
				if st, err := os.Stat(dev); err != nil || st.Mode()&os.ModeDevice == 0 {
					continue
				}
				tried++
				if _, err := Host.Inspect(dev, 1, false); err == nil || !strings.Contains(err.Error(), "runs from") {
					t.Errorf("Inspect(%s) holding %s = %v, want the system disk refusal", dev, m, err)
				} else {
					t.Logf("Inspect(%s) = %v", dev, err)
				}
			}
		}
	}
	if tried == 0 {
		t.Skip("/, /boot are not on a block device here (a container's overlay)")
	}
}

// attachLoop attaches a loop device with partition scanning to a sparse
// file of size bytes and detaches it when the test ends; it skips the test
// where that is not permitted.
func attachLoop(t *testing.T, dir string, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("loop devices need root")
	}
	if _, err := exec.LookPath("losetup"); err != nil {
		t.Skip("no losetup")
	}
	backing := filepath.Join(dir, "disk")
	if err := os.WriteFile(backing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(backing, size); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("losetup", "-f", "--show", "-P", backing).CombinedOutput()
	if err != nil {
		t.Skipf("losetup -f --show -P: %v: %s", err, out)
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if out, err := exec.Command("losetup", "-d", dev).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", dev, err, out)
		}
	})
	return dev
}

// TestLoopDeviceMounted mounts a file system on a loop device: Inspect
// must refuse it, and if the checks are bypassed the O_EXCL open must.
func TestLoopDeviceMounted(t *testing.T) {
	dir := t.TempDir()
	dev := attachLoop(t, dir, 64<<20)
	if out, err := exec.Command("mkfs.ext4", "-q", dev).CombinedOutput(); err != nil {
		t.Skipf("mkfs.ext4 %s: %v: %s", dev, err, out)
	}
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	if out, err := exec.Command("mount", dev, mnt).CombinedOutput(); err != nil {
		t.Skipf("mount %s: %v: %s", dev, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	if _, err := Host.Inspect(dev, 1<<20, false); err == nil || !strings.Contains(err.Error(), "is mounted on "+mnt) {
		t.Errorf("Inspect(%s) mounted on %s = %v, want the mounted refusal", dev, mnt, err)
	}
	img, _ := CheckImage(testImage(t, dir, 1<<20))
	_, err := Write(context.Background(), img, Disk{Path: dev, Name: filepath.Base(dev), IsBlock: true}, nil)
	if err == nil || !strings.Contains(err.Error(), "is busy") {
		t.Errorf("Write to mounted %s past the checks = %v, want the O_EXCL busy refusal", dev, err)
	}
}
