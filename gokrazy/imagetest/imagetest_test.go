package imagetest

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/qemu"
)

// requireTools skips (or, under CI, fails) when the boot test's host tools
// are missing.
func requireTools(t testing.TB) {
	t.Helper()
	var missing []string
	for _, bin := range []string{qemu.Binary, "mkfs.ext4"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	for _, f := range []string{qemu.DefaultOVMFCode, qemu.DefaultOVMFVars, gokrazy.DefaultSystemdBoot} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "missing " + strings.Join(missing, ", ") + " (apt-get install qemu-system-x86 ovmf systemd-boot-efi e2fsprogs)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func moduleDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// buildImage builds the image of an instance file into out.
func buildImage(t *testing.T, ctx context.Context, instanceFile, out string) {
	t.Helper()
	mod := moduleDir(t)
	in, err := gokrazy.LoadInstance(filepath.Join(mod, instanceFile))
	if err != nil {
		t.Fatal(err)
	}
	buildInstance(t, ctx, mod, in, out)
}

// bootAndTap boots img, waits for firstFrame (and touchReady, when set),
// taps the candidate points in turn until the screen changes (each tap
// acknowledged by touchAck on the console, when set), then cuts the power.
func bootAndTap(t *testing.T, ctx context.Context, img, firstFrame, touchReady, touchAck string, taps [][2]float64) {
	t.Helper()
	dir := t.TempDir()
	vm := startVM(t, ctx, qemu.Config{Image: img, Dir: dir})
	b := waitInit(t, ctx, vm)
	t.Logf("boot to kernel ready (init started): %v", b.kernel.Round(10*time.Millisecond))
	frame, line, err := b.wait(ctx, firstFrame)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("boot to first frame: %v (%s)", frame.Round(10*time.Millisecond), line)
	if touchReady != "" {
		if _, _, err := b.wait(ctx, touchReady); err != nil {
			t.Fatal(err)
		}
	}

	before := filepath.Join(dir, "before.png")
	if err := vm.Screendump(before); err != nil {
		t.Fatal(err)
	}
	a := readPNG(t, before)
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	if w < 640 || h < 400 {
		t.Fatalf("screendump is %dx%d, want at least 640x400 (is efifb up?)", w, h)
	}
	if uniform(a) {
		t.Fatalf("screen is a single colour before the tap: nothing was drawn")
	}
	// Tap candidate points (fractions of the screen) until one changes the
	// screen: the UI's layout is compared, not assumed.
	var changed int
	var x, y int
	for _, c := range taps {
		x, y = int(c[0]*float64(w)), int(c[1]*float64(h))
		if err := vm.Tap(x, y, w, h); err != nil {
			t.Fatal(err)
		}
		if touchAck != "" {
			if _, line, err := b.wait(ctx, touchAck); err != nil {
				t.Fatal(err)
			} else {
				t.Logf("tap acknowledged: %s", line)
			}
		}
		// The kiosk redraws asynchronously; poll screendumps until it did.
		for i := 0; i < 25 && changed == 0; i++ {
			after := filepath.Join(dir, "after.png")
			if err := vm.Screendump(after); err != nil {
				t.Fatal(err)
			}
			changed = diff(a, readPNG(t, after))
			if changed == 0 {
				time.Sleep(200 * time.Millisecond)
			}
		}
		if changed > 0 {
			break
		}
		t.Logf("tap at (%d,%d) changed nothing", x, y)
	}
	if changed == 0 {
		t.Fatalf("screen unchanged after taps at %v", taps)
	}
	t.Logf("tap at (%d,%d) changed %d pixels", x, y, changed)
	if err := vm.Quit(); err != nil {
		t.Logf("quit: %v", err)
	}
}

// TestProbeImageBoots boots an image whose kiosk is the probe: fbdev
// first frame, evdev touch from QEMU's virtio tablet; then cuts the power
// (QMP quit) and boots again to check /perm kept what the probe fsync'd.
func TestProbeImageBoots(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	img := filepath.Join(t.TempDir(), "probe.img")
	buildImage(t, ctx, "gokrazy/imagetest/instance.toml", img)
	bootAndTap(t, ctx, img, "MITRA-PROBE: first frame", "MITRA-PROBE: evdev: ", "MITRA-PROBE: touch", [][2]float64{{0.5, 0.5}})

	// bootAndTap ended with QMP quit, a power cut for the guest. The
	// probe's fsync'd boot counter on /perm must have survived it.
	vm := startVM(t, ctx, qemu.Config{Image: img, Dir: t.TempDir()})
	b := waitInit(t, ctx, vm)
	// The probe's first line is "boot N", or "perm: …" when /perm is not
	// writable: wait for either, so a lost /perm fails at once, with why.
	if _, line, err := b.wait(ctx, "MITRA-PROBE: "); err != nil {
		t.Fatal(err)
	} else if !strings.HasSuffix(line, "MITRA-PROBE: boot 2") {
		t.Errorf("second boot: %q, want the counter on /perm at 2\n%s", line, tail(vm.SerialLog(), 40))
	} else {
		t.Logf("after a power cut: %s", line)
	}
	if _, _, err := b.wait(ctx, "MITRA-PROBE: first frame"); err != nil {
		t.Fatal(err)
	}
}

// startVM boots cfg; when the test ends the VM is killed, and if the test
// failed its console's last lines are logged.
func startVM(t testing.TB, ctx context.Context, cfg qemu.Config) *qemu.VM {
	t.Helper()
	vm, err := qemu.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serial console:\n%s", tail(vm.SerialLog(), 80))
		}
		vm.Kill()
	})
	return vm
}

// initStall bounds the wait for gokrazy's init. Boots here reach it in
// 9–30 s, on a machine loaded by other builds too.
const initStall = 3 * time.Minute

// guestBoot is one boot of a VM, as waitInit saw it.
type guestBoot struct {
	vm     *qemu.VM
	mark   int           // where this boot's output starts in the serial log
	start  time.Duration // when this boot began, since QEMU started
	kernel time.Duration // from start to gokrazy's init
}

// wait waits for marker in this boot's console output and returns the
// time since the boot began.
func (b guestBoot) wait(ctx context.Context, marker string) (time.Duration, string, error) {
	at, line, err := b.vm.WaitSerialSince(ctx, b.mark, marker)
	return at - b.start, line, err
}

// waitInit waits until gokrazy's init starts. A guest that has not got
// there after initStall is stuck in the firmware or the kernel under TCG,
// before any of Mitra's programs run, which is not what these tests check:
// waitInit logs the console, presses reset once (what a technician would
// do) and waits again. A second stall fails the test.
func waitInit(t testing.TB, ctx context.Context, vm *qemu.VM) guestBoot {
	t.Helper()
	b := guestBoot{vm: vm}
	for attempt := 1; ; attempt++ {
		wctx, cancel := context.WithTimeout(ctx, initStall)
		at, _, err := vm.WaitSerialSince(wctx, b.mark, InitMarker)
		cancel()
		if err == nil {
			b.kernel = at - b.start
			return b
		}
		if attempt == 2 || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatal(err)
		}
		t.Logf("the guest did not reach gokrazy's init in %v; pressing reset. %v", initStall, err)
		b.mark, b.start = vm.SerialMark(), time.Since(vm.Started())
		if err := vm.Reset(); err != nil {
			t.Fatal(err)
		}
	}
}

func readPNG(t *testing.T, file string) image.Image {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return img
}

func uniform(img image.Image) bool {
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 {
				return false
			}
		}
	}
	return true
}

// diff counts pixels that differ between two screendumps of the same size.
func diff(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
			}
		}
	}
	return n
}

func tail(s string, lines int) string {
	l := strings.Split(s, "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
