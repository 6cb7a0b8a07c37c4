package imagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/qemu"
	"github.com/mitra-kiosk/mitra/ui"
)

// hostKiosk is cmd/mitra running headless on the build machine with the
// image's own field configuration: the reference for what the image must
// show, screen by screen, and where its buttons are.
type hostKiosk struct {
	t     *testing.T
	bin   string
	args  []string
	base  string
	cmd   *exec.Cmd
	state string
}

// startHostKiosk builds cmd/mitra and starts it headless on the image's
// [kiosk] configuration (its /etc/mitra data paths mapped back to the
// module's testdata through the instance's [[extra]] entries).
func startHostKiosk(t *testing.T, mod string, in *gokrazy.Instance) *hostKiosk {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "mitra")
	build := exec.Command("go", "build", "-tags", "noos", "-o", bin, "./cmd/mitra")
	build.Dir, build.Env = mod, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/mitra: %v\n%s", err, out)
	}
	cfg := map[string]any{}
	for k, v := range in.Kiosk {
		cfg[k] = v
	}
	if gw, ok := cfg["gateway"].(map[string]any); ok {
		for k, v := range gw {
			p, ok := v.(string)
			if !ok || !strings.HasSuffix(k, "_data") {
				continue
			}
			for _, e := range in.Extra {
				if p == e.Dest || strings.HasPrefix(p, e.Dest+"/") {
					gw[k] = filepath.Join(mod, e.Source, strings.TrimPrefix(p, e.Dest))
				}
			}
		}
	}
	f, err := os.Create(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.NewEncoder(f).Encode(cfg); err != nil {
		t.Fatal(err)
	}
	f.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	h := &hostKiosk{t: t, bin: bin, base: "http://" + addr, state: filepath.Join(dir, "state"),
		args: []string{"-sim", "-headless", "-config", f.Name(), "-automation", addr}}
	h.start()
	return h
}

func (h *hostKiosk) start() {
	h.t.Helper()
	h.cmd = exec.Command(h.bin, append(h.args, "-state", h.state)...)
	h.cmd.Stdout, h.cmd.Stderr = os.Stderr, os.Stderr
	if err := h.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { h.cmd.Process.Kill(); h.cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(h.base + "/state"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 && h.state1().Frames > 0 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.t.Fatal("the host kiosk did not answer within 60 s")
}

// kill cuts the host kiosk's power (SIGKILL), as QMP quit does the image's.
func (h *hostKiosk) kill() {
	h.cmd.Process.Signal(syscall.SIGKILL)
	h.cmd.Wait()
}

func (h *hostKiosk) state1() ui.State {
	h.t.Helper()
	resp, err := http.Get(h.base + "/state")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s ui.State
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// tileCentre is where a finger presses the button labelled label.
func (h *hostKiosk) tileCentre(label string) (int, int) {
	h.t.Helper()
	s := h.state1()
	for _, ti := range s.Tiles {
		if ti.Label == label || strings.HasPrefix(ti.Label, label+" ") || strings.HasSuffix(ti.Label, " "+label) {
			return int(ti.X + ti.W/2), int(ti.Y + ti.H/2)
		}
	}
	h.t.Fatalf("host kiosk: no button %q on %q (%d buttons)", label, s.Screen, len(s.Tiles))
	return 0, 0
}

func (h *hostKiosk) press(label string) {
	h.t.Helper()
	resp, err := http.Post(h.base+"/press?text="+url.QueryEscape(label), "", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		h.t.Fatalf("host kiosk: press %q: %s", label, resp.Status)
	}
}

func (h *hostKiosk) screen() image.Image {
	h.t.Helper()
	resp, err := http.Get(h.base + "/screen.png")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	img, err := png.Decode(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return img
}

// differs counts pixels whose channels differ by more than 48 (anti-aliasing
// and the cursor-free framebuffer aside, the same binary draws the same).
func differs(a, b image.Image) int {
	if a.Bounds().Size() != b.Bounds().Size() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	ra, rb := a.Bounds(), b.Bounds()
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			r1, g1, b1, _ := a.At(ra.Min.X+x, ra.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(rb.Min.X+x, rb.Min.Y+y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			if d > 48 {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// waitMatch polls the VM's screen until it matches want (≤ 0.5 % of the
// pixels differ) or the deadline passes; it returns the last difference.
func waitMatch(t *testing.T, vm *qemu.VM, want image.Image, dir, name string, within time.Duration) (int, bool) {
	t.Helper()
	file := filepath.Join(dir, name+".png")
	limit := want.Bounds().Dx() * want.Bounds().Dy() / 200
	deadline := time.Now().Add(within)
	n := -1
	for {
		if err := vm.Screendump(file); err != nil {
			t.Fatal(err)
		}
		n = differs(readPNG(t, file), want)
		if n <= limit {
			return n, true
		}
		if time.Now().After(deadline) {
			return n, false
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// TestKioskImage boots the real appliance image (gokrazy/instance.toml) in
// QEMU and uses it as a citizen would, by touch: Touch to start, the
// language switch, Pay bills → Electricity → JVVNL, a K-number on the
// keypad, the bill, Pay by cash, one ₹500 note on the simulator panel.
// After every tap the VM's screen must match, pixel for pixel within a
// tolerance, what the same kiosk shows running headless on this machine
// after the same press. Then the power is cut (QMP quit) with the payment
// half paid; the VM boots again and must come back on its own to the same
// recovered screen as the host kiosk killed at the same point: the journal
// on /perm survived and the money was accounted for.
func TestKioskImage(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	mod := moduleDir(t)
	instance := "gokrazy/instance.toml"
	if f := os.Getenv("MITRA_KIOSK_INSTANCE"); f != "" {
		instance = f // relative to the module root
	}
	in, err := gokrazy.LoadInstance(filepath.Join(mod, instance))
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "mitra-amd64.img")
	buildImage(t, ctx, instance, img)
	host := startHostKiosk(t, mod, in)

	dir := t.TempDir()
	boot := func() *qemu.VM {
		vm, err := qemu.Start(ctx, qemu.Config{Image: img, Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("serial console:\n%s", tail(vm.SerialLog(), 60))
			}
			vm.Kill()
		})
		kernel, _, err := vm.WaitSerial(ctx, InitMarker)
		if err != nil {
			t.Fatal(err)
		}
		frame, _, err := vm.WaitSerial(ctx, KioskFirstFrame)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("boot to kernel ready (init started): %v; boot to first frame: %v (%.2f× the kernel's)",
			kernel.Round(10*time.Millisecond), frame.Round(10*time.Millisecond), frame.Seconds()/kernel.Seconds())
		fmt.Printf("bench-boot: kernel-ready %.2f s, first-frame %.2f s\n", kernel.Seconds(), frame.Seconds())
		return vm
	}
	vm := boot()
	w, h := 1280, 800
	if n, ok := waitMatch(t, vm, host.screen(), dir, "00-attract", 30*time.Second); !ok {
		t.Fatalf("first screen: %d pixels differ from the host kiosk's attract screen", n)
	}
	steps := []string{"Touch to start", "English", "Pay bills", "Electricity", "JVVNL"}
	for _, d := range "210123456789" {
		steps = append(steps, string(d))
	}
	steps = append(steps, "Get bill", "Pay by cash", "₹500")
	for i, label := range steps {
		x, y := host.tileCentre(label)
		host.press(label)
		if err := vm.Tap(x, y, w, h); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%02d-%s", i+1, strings.ReplaceAll(label, " ", "-"))
		want := host.screen()
		if n, ok := waitMatch(t, vm, want, dir, name, 30*time.Second); !ok {
			savePNG(t, filepath.Join(dir, name+"-host.png"), want)
			t.Fatalf("after tapping %q at (%d,%d): %d pixels differ from the host kiosk's screen %q (VM: %s)",
				label, x, y, n, host.state1().Screen, filepath.Join(dir, name+".png"))
		}
	}
	t.Logf("%d taps: the VM showed the host kiosk's screens", len(steps))

	// Power cut with ₹500 in a ₹1,240 payment, on both.
	cut := time.Now()
	if err := vm.Quit(); err != nil {
		t.Logf("quit: %v", err)
	}
	host.kill()
	host.start()
	vm = boot()
	n, ok := waitMatch(t, vm, host.screen(), dir, "after-power-cut", 30*time.Second)
	if !ok {
		t.Fatalf("after the power cut the VM's screen differs from the recovered host kiosk's by %d pixels (host screen %q, labels %q)",
			n, host.state1().Screen, host.state1().Labels)
	}
	t.Logf("after a power cut mid-payment the image came back on its own in %v to %q: %q",
		time.Since(cut).Round(100*time.Millisecond), host.state1().Screen, host.state1().Labels)
}

func savePNG(t *testing.T, file string, img image.Image) {
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
}
