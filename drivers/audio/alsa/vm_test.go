package alsa

import (
	"bytes"
	"context"
	"debug/elf"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The real-device tests need a kernel with a sound card; a build machine
// has neither. TestVM boots a Debian kernel in QEMU with this test binary
// as /init and two snd-dummy cards (a mono 5.5–48 kHz card and one that,
// like an AC'97 codec, takes stereo 48 kHz only), and checks the tests
// passed there; a snd-aloop card captures what the driver plays, to check
// the samples arrive intact. `make alsa-vm-test` fetches the kernel and
// runs it.

// vmMarker is printed by the VM when the tests there passed.
const vmMarker = "ALSA-VM: PASS"

// vmModules are loaded in this order (each needs the ones before).
var vmModules = []string{"soundcore", "snd", "snd-timer", "snd-pcm", "snd-dummy", "snd-aloop"}

func TestMain(m *testing.M) {
	if os.Getpid() != 1 {
		os.Exit(m.Run())
	}
	// PID 1 in the VM.
	vmInit()
	flag.Parse()
	flag.Set("test.v", "true")
	flag.Set("test.run", "TestReal|TestLayout|TestIoctl")
	os.Setenv("MITRA_ALSA_TEST", "1")
	if m.Run() == 0 {
		fmt.Println(vmMarker)
	}
	unix.Sync()
	unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
}

func vmInit() {
	for _, d := range []string{"/dev", "/proc", "/sys"} {
		os.MkdirAll(d, 0o755)
	}
	unix.Mount("devtmpfs", "/dev", "devtmpfs", 0, "")
	unix.Mount("proc", "/proc", "proc", 0, "")
	unix.Mount("sysfs", "/sys", "sysfs", 0, "")
	for _, m := range vmModules {
		params := ""
		switch m {
		case "snd-dummy": // cards 0 and 1
			params = "enable=1,1 model=,ac97 pcm_devs=1,1 pcm_substreams=1,1"
		case "snd-aloop": // card 2, id Loopback: what device 0 plays, device 1 captures
			params = "enable=1 index=2 id=Loopback pcm_substreams=1"
		}
		b, err := os.ReadFile("/m/" + m + ".ko")
		if err == nil {
			err = unix.InitModule(b, params)
		}
		if err != nil && err != unix.EEXIST {
			fmt.Printf("insmod %s: %v\n", m, err)
		}
	}
	for range 50 {
		if _, err := os.Stat("/dev/snd/pcmC2D1c"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestVM(t *testing.T) {
	root := os.Getenv("MITRA_ALSA_VM")
	if root == "" {
		t.Skip("set MITRA_ALSA_VM to an unpacked Debian linux-image package (make alsa-vm-test)")
	}
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if f, err := elf.Open(self); err != nil || f.Machine != elf.EM_X86_64 || hasInterp(f) {
		t.Skip("the test binary must be a static amd64 binary (CGO_ENABLED=0 on amd64) to be /init")
	}
	kernels, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	mods, _ := filepath.Glob(filepath.Join(root, "lib", "modules", "*", "kernel", "sound"))
	if len(kernels) != 1 || len(mods) != 1 {
		t.Fatalf("%s: want one boot/vmlinuz-* and lib/modules/*/kernel/sound, have %v %v", root, kernels, mods)
	}
	files := map[string]string{"init": self}
	for _, m := range vmModules {
		p, _ := filepath.Glob(filepath.Join(mods[0], "*", m+".ko"))
		p2, _ := filepath.Glob(filepath.Join(mods[0], m+".ko"))
		p = append(p, p2...)
		if len(p) != 1 {
			t.Fatalf("module %s: found %v", m, p)
		}
		files["m/"+m+".ko"] = p[0]
	}
	initrd := filepath.Join(t.TempDir(), "initrd.cpio")
	if err := writeCPIO(initrd, files); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, "-m", "512", "-nographic", "-no-reboot",
		"-kernel", kernels[0], "-initrd", initrd,
		"-append", "console=ttyS0 rdinit=/init quiet panic=-1")
	out, err := cmd.CombinedOutput()
	text := string(bytes.ReplaceAll(out, []byte("\r"), nil))
	if i := strings.Index(text, "=== RUN"); i >= 0 {
		t.Logf("VM output:\n%s", text[i:])
	}
	if !strings.Contains(text, vmMarker) {
		t.Fatalf("the VM did not print %q (qemu: %v):\n%s", vmMarker, err, text)
	}
}

func hasInterp(f *elf.File) bool {
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return true
		}
	}
	return false
}

// writeCPIO writes an initramfs (cpio "newc", as the kernel's
// Documentation/driver-api/early-userspace/buffer-format.rst describes)
// holding files (archive name → host path), their directories and
// /dev/console.
func writeCPIO(name string, files map[string]string) error {
	var b bytes.Buffer
	ino := 0
	add := func(name string, mode, rdevMajor, rdevMinor uint32, data []byte) {
		ino++
		fmt.Fprintf(&b, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdevMajor, rdevMinor, len(name)+1, 0)
		b.WriteString(name)
		b.WriteByte(0)
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
		b.Write(data)
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	add("dev", syscall.S_IFDIR|0o755, 0, 0, nil)
	add("dev/console", syscall.S_IFCHR|0o600, 5, 1, nil)
	add("m", syscall.S_IFDIR|0o755, 0, 0, nil)
	for arch, host := range files {
		data, err := os.ReadFile(host)
		if err != nil {
			return err
		}
		add(arch, syscall.S_IFREG|0o755, 0, 0, data)
	}
	add("TRAILER!!!", 0, 0, 0, nil)
	return os.WriteFile(name, b.Bytes(), 0o644)
}
