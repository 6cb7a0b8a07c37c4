package imagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
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

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/update"
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

// tileCentre is where a finger presses the button labelled label (or
// whose automation id is label).
func (h *hostKiosk) tileCentre(label string) (int, int) {
	h.t.Helper()
	s := h.state1()
	for _, ti := range s.Tiles {
		if ti.ID == label || ti.Label == label || strings.HasPrefix(ti.Label, label+" ") || strings.HasSuffix(ti.Label, " "+label) {
			return int(ti.X + ti.W/2), int(ti.Y + ti.H/2)
		}
	}
	h.t.Fatalf("host kiosk: no button %q on %q (%d buttons)", label, s.Screen, len(s.Tiles))
	return 0, 0
}

// tap taps the host kiosk at a point, as a finger would.
func (h *hostKiosk) tap(x, y int) {
	h.t.Helper()
	resp, err := http.Post(fmt.Sprintf("%s/tap?x=%d&y=%d", h.base, x, y), "", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		h.t.Fatalf("host kiosk: tap (%d,%d): %s", x, y, resp.Status)
	}
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
func waitMatch(t *testing.T, vm *qemu.VM, want image.Image, dir, name string, within time.Duration, region ...image.Rectangle) (int, bool) {
	t.Helper()
	file := filepath.Join(dir, name+".png")
	limit := want.Bounds().Dx() * want.Bounds().Dy() / 200
	deadline := time.Now().Add(within)
	n := -1
	for {
		if err := vm.Screendump(file); err != nil {
			t.Fatal(err)
		}
		got := readPNG(t, file)
		if len(region) > 0 {
			got = crop(got, region[0])
		}
		n = differs(got, want)
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
	// The fleet key, so the image takes signed updates, and a technician
	// PIN, so its menu opens; the host kiosk gets the same PIN.
	keys := t.TempDir()
	priv, pub := filepath.Join(keys, "fleet.key"), filepath.Join(keys, "fleet.pub")
	if _, err := update.GenerateKeys(priv, pub); err != nil {
		t.Fatal(err)
	}
	in.Extra = append(in.Extra, gokrazy.Extra{Source: pub, Dest: update.DefaultPublicKeyFile})
	const pin = "482913"
	pinHash, err := config.HashPINCost(pin, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	in.Kiosk["technician_pin_hash"] = pinHash
	img := filepath.Join(t.TempDir(), "mitra-amd64.img")
	buildInstance(t, ctx, mod, in, img)
	// A USB stick (FAT) with the image's own root, signed now, so newer
	// than root A: the technician installs it from the menu at the end.
	stick := filepath.Join(t.TempDir(), "stick.img")
	makeStick(t, img, priv, stick)
	host := startHostKiosk(t, mod, in)

	dir := t.TempDir()
	boot := func() *qemu.VM {
		vm := startVM(t, ctx, qemu.Config{Image: img, Dir: t.TempDir(), ExtraArgs: []string{
			"-device", "qemu-xhci,id=xhci",
			"-drive", "if=none,id=stick,format=raw,file=" + stick,
			"-device", "usb-storage,bus=xhci.0,drive=stick",
		}})
		b := waitInit(t, ctx, vm)
		kernel := b.kernel
		frame, _, err := b.wait(ctx, KioskFirstFrame)
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

	// The technician: OK on the notice, five taps on the kiosk's name, the
	// PIN on the keypad, then "Update from USB stick" (a button only the
	// appliance has: the host kiosk runs no update service).
	tapBoth := func(name string, x, y int, hostTap func()) {
		t.Helper()
		hostTap()
		if err := vm.Tap(x, y, w, h); err != nil {
			t.Fatal(err)
		}
		want := host.screen()
		if n, ok := waitMatch(t, vm, want, dir, name, 30*time.Second); !ok {
			savePNG(t, filepath.Join(dir, name+"-host.png"), want)
			t.Fatalf("%s: %d pixels differ from the host kiosk's screen %q", name, n, host.state1().Screen)
		}
	}
	x, y := host.tileCentre("ok")
	tapBoth("tech-ok", x, y, func() { host.press("OK") })
	// The five taps must fit in the gesture window (3 s): tapped back to
	// back, compared once.
	for range 5 {
		host.tap(60, 30)
	}
	for range 5 {
		if err := vm.Tap(60, 30, w, h); err != nil {
			t.Fatal(err)
		}
	}
	if n, ok := waitMatch(t, vm, host.screen(), dir, "tech-pin-screen", 30*time.Second); !ok {
		t.Fatalf("after the hidden gesture %d pixels differ from the host's PIN screen", n)
	}
	if s := host.state1(); s.Screen != "techpin" {
		t.Fatalf("the gesture opened %q on the host kiosk", s.Screen)
	}
	for i, d := range pin {
		x, y := host.tileCentre("key." + string(d))
		tapBoth(fmt.Sprintf("tech-pin-%d", i), x, y, func() { host.press(string(d)) })
	}
	x, y = host.tileCentre("tech.enter")
	host.press("Open")
	_, exitY := host.tileCentre("tech.exit")
	mark := vm.SerialMark()
	if err := vm.Tap(x, y, w, h); err != nil {
		t.Fatal(err)
	}
	// The appliance's menu has two buttons in its bottom row, the USB
	// update first; the host's has Exit alone, across the row. Above the
	// row the two reports must match.
	above := image.Rect(0, 0, w, exitY-60)
	if n, ok := waitMatch(t, vm, crop(host.screen(), above), dir, "tech-menu", 60*time.Second, above); !ok {
		t.Fatalf("technician menu: %d pixels above the buttons differ from the host's", n)
	}
	if err := vm.Tap(w/4, exitY, w, h); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	installCtx, cancelInstall := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelInstall()
	if _, line, err := vm.WaitSerialSince(installCtx, mark, "MITRA-UPDATE: installed"); err != nil {
		shot := filepath.Join(dir, "tech-usb.png")
		vm.Screendump(shot)
		t.Fatalf("no install after Update from USB stick: %v (screen: %s)", err, shot)
	} else {
		t.Logf("USB update: %s (%v after the tap)", line, time.Since(begin).Round(100*time.Millisecond))
	}
	if _, line, err := vm.WaitSerialSince(ctx, mark, "MITRA-UPDATE: blessed root B"); err != nil {
		t.Fatalf("root B from the USB stick was not blessed: %v", err)
	} else {
		t.Logf("%s (%v after the tap)", line, time.Since(begin).Round(100*time.Millisecond))
	}
}

// buildInstance builds the image of in into out.
func buildInstance(t testing.TB, ctx context.Context, mod string, in *gokrazy.Instance, out string) {
	t.Helper()
	epoch, err := gokrazy.SourceDateEpoch(mod)
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	res, err := gokrazy.Build(ctx, gokrazy.Options{Arch: "amd64", Instance: in, ModuleDir: mod, Output: out, Epoch: epoch})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s in %v: root SquashFS %d bytes, sha256 %s", out, time.Since(begin).Round(time.Millisecond), res.RootBytes, res.SHA256)
}

// makeStick writes a 64 MiB FAT USB stick image holding img's root as a
// signed bundle, update.mitra (mkfs.vfat and mcopy from dosfstools and
// mtools, which make test installs).
func makeStick(t *testing.T, img, priv, out string) {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "mitra-usb.mitra")
	sign(t, img, priv, bundle, "usb-kiosk")
	for _, c := range [][]string{
		{"mkfs.vfat", "-C", out, "65536"},
		{"mcopy", "-i", out, bundle, "::/mitra-usb.mitra"},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
}

func savePNG(t *testing.T, file string, img image.Image) {
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
}

// crop is the part r of img, as a new image with r's size.
func crop(img image.Image, r image.Rectangle) image.Image {
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}
