package flash

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/flash/flashtest"
)

// FuzzImageHeader feeds arbitrary first sectors to the image checks, which
// read lengths and offsets from them: they must not panic.
func FuzzImageHeader(f *testing.F) {
	l, _ := gokrazy.NewLayout(gokrazy.DefaultDiskSize, "mitra", "amd64")
	f.Add(flashtest.PartitionTable(f, l)[:2*sectorSize])
	f.Add(make([]byte, 2*sectorSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 2*sectorSize {
			b = append(b, make([]byte, 2*sectorSize-len(b))...)
		}
		isGokrazyPiMBR(b[:sectorSize])
		isMitraGPT(b[sectorSize : 2*sectorSize])
	})
}

// FuzzMountinfo parses arbitrary mountinfo files without panicking.
func FuzzMountinfo(f *testing.F) {
	f.Add([]byte("26 1 253:0 / / rw,relatime - ext4 /dev/mapper/vg-root rw\n40 26 8:33 / /media/a\\040b rw - vfat /dev/sdc1 rw\n"))
	f.Add([]byte("1 2 3\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "self"), 0o755)
		os.WriteFile(filepath.Join(dir, "self", "mountinfo"), b, 0o644)
		m, err := System{Proc: dir}.mounts()
		if err == nil {
			m.devsAt("/")
		}
	})
}
