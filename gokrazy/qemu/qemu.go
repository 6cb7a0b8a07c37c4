// Package qemu boots a Mitra disk image in qemu-system-x86_64 (UEFI via
// OVMF, TCG) and drives it over QMP: it waits for marker lines on the
// serial console, takes screendumps and sends absolute pointer taps, as a
// technician's finger would.
//
// # Spec
//
// QEMU Machine Protocol (docs/interop/qmp-spec.rst): one JSON object per
// line; the greeting, then "qmp_capabilities" before any command;
// "screendump" with "format": "png" (QEMU ≥ 7.1); "input-send-event" with
// "abs" axes in 0..32767.
package qemu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Default firmware paths (Debian package ovmf).
const (
	DefaultOVMFCode = "/usr/share/OVMF/OVMF_CODE_4M.fd"
	DefaultOVMFVars = "/usr/share/OVMF/OVMF_VARS_4M.fd"
	Binary          = "qemu-system-x86_64"
)

// absMax is the top of QMP's absolute axis range.
const absMax = 32767

// Config describes one VM.
type Config struct {
	Image    string // raw disk image
	OVMFCode string // empty: DefaultOVMFCode
	OVMFVars string // template, copied (the firmware writes its variables); empty: DefaultOVMFVars
	Dir      string // where the serial log, QMP socket and variables go (required)
	MemoryMB int    // 0: 1024
	CPUs     int    // 0: 2 (gokrazy gets stuck with 1)
	Display  bool   // show a window (make qemu) instead of -display none
	// Snapshot discards writes to the image (tests); false lets /perm persist.
	Snapshot bool
	// Stdout receives QEMU's own output; nil discards it.
	Stdout io.Writer
	// HostForward are user-network port forwards in QEMU's hostfwd syntax
	// ("tcp:127.0.0.1:7080-:7080"): how a test reaches a guest service.
	HostForward []string
	// ExtraArgs are appended to QEMU's command line (e.g. a USB stick:
	// -device qemu-xhci -drive if=none,id=stick,… -device usb-storage,drive=stick).
	ExtraArgs []string
}

// VM is a running QEMU.
type VM struct {
	cfg     Config
	cmd     *exec.Cmd
	started time.Time
	serial  string
	qmp     net.Conn
	qmpR    *bufio.Reader
	mu      sync.Mutex
	exited  chan struct{}
	waitErr error
}

// Args returns the QEMU command line (without the binary) for cfg, with
// the serial log and QMP socket under cfg.Dir and OVMF variables at vars.
func Args(cfg Config, vars string) []string {
	mem, cpus := cfg.MemoryMB, cfg.CPUs
	if mem == 0 {
		mem = 1024
	}
	if cpus == 0 {
		cpus = 2
	}
	drive := "file=" + cfg.Image + ",format=raw"
	if cfg.Snapshot {
		drive += ",snapshot=on"
	}
	args := []string{
		"-machine", "q35",
		// KVM is unusable in the build sandbox ("KVM internal error").
		"-accel", "tcg",
		"-m", fmt.Sprint(mem),
		"-smp", fmt.Sprint(cpus),
		"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + orDefault(cfg.OVMFCode, DefaultOVMFCode),
		"-drive", "if=pflash,format=raw,unit=1,file=" + vars,
		"-drive", drive,
		// -vga std gives efifb a 1280×800 32 bpp /dev/fb0.
		"-vga", "std",
		// An absolute pointer the guest sees as an evdev touch device.
		"-device", "virtio-tablet-pci",
		"-netdev", netdev(cfg.HostForward),
		"-device", "e1000,netdev=n0",
		"-serial", "file:" + filepath.Join(cfg.Dir, "serial.log"),
		"-qmp", "unix:" + filepath.Join(cfg.Dir, "qmp.sock") + ",server,nowait",
	}
	if !cfg.Display {
		args = append(args, "-display", "none")
	}
	args = append(args, cfg.ExtraArgs...)
	return args
}

// netdev is the user-mode network with cfg's port forwards.
func netdev(forwards []string) string {
	s := "user,id=n0"
	for _, f := range forwards {
		s += ",hostfwd=" + f
	}
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// Start boots cfg.Image and connects to QMP.
func Start(ctx context.Context, cfg Config) (*VM, error) {
	if cfg.Dir == "" {
		return nil, errors.New("qemu: no working directory")
	}
	if _, err := exec.LookPath(Binary); err != nil {
		return nil, fmt.Errorf("qemu: %w (apt-get install qemu-system-x86 ovmf)", err)
	}
	tmpl, err := os.ReadFile(orDefault(cfg.OVMFVars, DefaultOVMFVars))
	if err != nil {
		return nil, fmt.Errorf("qemu: OVMF variables: %w (apt-get install ovmf)", err)
	}
	vars := filepath.Join(cfg.Dir, "OVMF_VARS.fd")
	if err := os.WriteFile(vars, tmpl, 0o644); err != nil {
		return nil, fmt.Errorf("qemu: %w", err)
	}
	serial := filepath.Join(cfg.Dir, "serial.log")
	os.Remove(serial)
	sock := filepath.Join(cfg.Dir, "qmp.sock")
	os.Remove(sock)
	cmd := exec.Command(Binary, Args(cfg, vars)...)
	cmd.Stdout, cmd.Stderr = cfg.Stdout, cfg.Stdout
	vm := &VM{cfg: cfg, cmd: cmd, serial: serial, exited: make(chan struct{})}
	vm.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("qemu: start: %w", err)
	}
	go func() {
		vm.waitErr = cmd.Wait()
		close(vm.exited)
	}()
	// QEMU creates the socket during start-up; retry until it answers.
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			vm.qmp, vm.qmpR = c, bufio.NewReader(c)
			break
		}
		select {
		case <-vm.exited:
			return nil, fmt.Errorf("qemu: exited during start-up: %v", vm.waitErr)
		case <-ctx.Done():
			vm.Kill()
			return nil, fmt.Errorf("qemu: QMP: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if _, err := vm.qmpR.ReadBytes('\n'); err != nil { // greeting
		vm.Kill()
		return nil, fmt.Errorf("qemu: QMP greeting: %w", err)
	}
	if _, err := vm.command("qmp_capabilities", nil); err != nil {
		vm.Kill()
		return nil, err
	}
	return vm, nil
}

// Started is when the QEMU process was started.
func (vm *VM) Started() time.Time { return vm.started }

// SerialLog returns the serial console output so far.
func (vm *VM) SerialLog() string {
	b, _ := os.ReadFile(vm.serial)
	return string(b)
}

// WaitSerial waits until a serial console line contains marker and returns
// the time since QEMU started and the line.
func (vm *VM) WaitSerial(ctx context.Context, marker string) (time.Duration, string, error) {
	return vm.WaitSerialSince(ctx, 0, marker)
}

// SerialMark is the serial log's current length: a guest that reboots
// repeats its markers, so waits after an event start from a mark.
func (vm *VM) SerialMark() int {
	fi, err := os.Stat(vm.serial)
	if err != nil {
		return 0
	}
	return int(fi.Size())
}

// WaitSerialSince is WaitSerial for output after mark (a SerialMark).
func (vm *VM) WaitSerialSince(ctx context.Context, mark int, marker string) (time.Duration, string, error) {
	for {
		if b, err := os.ReadFile(vm.serial); err == nil && len(b) >= mark {
			if i := bytes.Index(b[mark:], []byte(marker)); i >= 0 {
				i += mark
				at := time.Since(vm.started)
				start := bytes.LastIndexByte(b[:i], '\n') + 1
				end := bytes.IndexByte(b[i:], '\n')
				if end < 0 {
					end = len(b) - i
				}
				return at, strings.TrimSpace(string(b[start : i+end])), nil
			}
		}
		select {
		case <-vm.exited:
			return 0, "", fmt.Errorf("qemu: exited before %q: %v", marker, vm.waitErr)
		case <-ctx.Done():
			return 0, "", fmt.Errorf("qemu: waiting for %q on the serial console: %w (%s after start); the console's last lines:\n%s",
				marker, ctx.Err(), time.Since(vm.started).Round(time.Second), lastLines(vm.SerialLog(), 30))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// qmpReply is a QMP response or event.
type qmpReply struct {
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
	Event string `json:"event"`
}

// command runs one QMP command and returns its "return" value; events
// arriving before the reply are skipped.
func (vm *VM) command(name string, args any) (json.RawMessage, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	req := map[string]any{"execute": name}
	if args != nil {
		req["arguments"] = args
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("qemu: %s: %w", name, err)
	}
	vm.qmp.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := vm.qmp.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("qemu: %s: %w", name, err)
	}
	for {
		line, err := vm.qmpR.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("qemu: %s: %w", name, err)
		}
		var r qmpReply
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("qemu: %s: reply %q: %w", name, line, err)
		}
		if r.Event != "" {
			continue
		}
		if r.Error != nil {
			return nil, fmt.Errorf("qemu: %s: %s: %s", name, r.Error.Class, r.Error.Desc)
		}
		return r.Return, nil
	}
}

// Screendump writes the guest's screen to file as PNG.
func (vm *VM) Screendump(file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("qemu: screendump: %w", err)
	}
	_, err = vm.command("screendump", map[string]any{"filename": abs, "format": "png"})
	return err
}

// Tap presses and releases the pointer at pixel (x, y) of a w×h screen.
// Axes are scaled to QMP's 0..32767; the button is the left one, which is
// what QEMU's tablets report (the guest sees BTN_LEFT, not BTN_TOUCH).
func (vm *VM) Tap(x, y, w, h int) error {
	ax, ay := x*absMax/(w-1), y*absMax/(h-1)
	move := []any{
		map[string]any{"type": "abs", "data": map[string]any{"axis": "x", "value": ax}},
		map[string]any{"type": "abs", "data": map[string]any{"axis": "y", "value": ay}},
	}
	if _, err := vm.command("input-send-event", map[string]any{"events": move}); err != nil {
		return err
	}
	for _, down := range []bool{true, false} {
		ev := []any{map[string]any{"type": "btn", "data": map[string]any{"button": "left", "down": down}}}
		if _, err := vm.command("input-send-event", map[string]any{"events": ev}); err != nil {
			return err
		}
		// The guest must see press and release in separate reports.
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// Reset presses the reset button: the guest reboots through the firmware
// without a shutdown.
func (vm *VM) Reset() error {
	_, err := vm.command("system_reset", nil)
	return err
}

// Quit asks QEMU to exit (like pulling the power: the guest gets no
// shutdown) and waits for it.
func (vm *VM) Quit() error {
	_, err := vm.command("quit", nil)
	select {
	case <-vm.exited:
	case <-time.After(10 * time.Second):
		vm.Kill()
	}
	if vm.qmp != nil {
		vm.qmp.Close()
	}
	return err
}

// Kill stops QEMU at once.
func (vm *VM) Kill() {
	if vm.cmd.Process != nil {
		vm.cmd.Process.Kill()
	}
	<-vm.exited
	if vm.qmp != nil {
		vm.qmp.Close()
	}
}

// Wait waits for QEMU to exit (make qemu: until the window is closed).
func (vm *VM) Wait() error {
	<-vm.exited
	return vm.waitErr
}

// lastLines is the end of a console log, for a failure report.
func lastLines(log string, n int) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
