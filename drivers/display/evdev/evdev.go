package evdev

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// DefaultGlob is where event devices appear (devtmpfs; no udev needed).
const DefaultGlob = "/dev/input/event*"

// DefaultMinMove drops touch moves under 4 px, which only repaint the
// screen (docs/fyne-embedded.md: every move is a full repaint).
const DefaultMinMove = 4

// DefaultRescan is how often the device directory is rescanned for
// hot-plugged touchscreens and keyboards.
const DefaultRescan = 2 * time.Second

// Opts configure Open.
type Opts struct {
	// Width and Height are the screen size in pixels (required).
	Width, Height int
	// Glob selects candidate devices; empty means DefaultGlob.
	Glob string
	// Rescan is the hot-plug rescan interval; 0 means DefaultRescan.
	Rescan time.Duration
	// Calibration, when its ranges are non-zero, replaces the ranges the
	// device reports (a resistive panel's measured edges).
	Calibration struct{ X, Y Axis }
	// MinMove is how far (in pixels) a touch must move before a TouchMove
	// is reported; 0 means DefaultMinMove, negative reports every move.
	MinMove float32
	// SwapXY, InvertX, InvertY and Rotate orient the panel; see Transform.
	SwapXY, InvertX, InvertY bool
	Rotate                   int
	// Logf, if set, receives device arrivals and departures.
	Logf func(format string, args ...any)
}

// Input reads every touch device and keyboard. It implements
// display.Input.
type Input struct {
	opts   Opts
	open   func(path string, complete func(x, y Axis) Transform) (device, error)
	events chan display.Event
	done   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	devices map[string]*os.File
	kinds   map[string]deviceKind
	closed  bool
}

var _ display.Input = (*Input)(nil)

// Open starts reading all touch devices and keyboards present now and
// those that appear later. It fails when the options are invalid, not when
// no touchscreen is attached yet (a kiosk boots before its USB panel
// enumerates).
func Open(opts Opts) (*Input, error) {
	return open(opts, openDevice)
}

// open is Open with the device prober as a parameter, for tests.
func open(opts Opts, probe func(path string, complete func(x, y Axis) Transform) (device, error)) (*Input, error) {
	if opts.Width <= 0 || opts.Height <= 0 {
		return nil, fmt.Errorf("evdev: screen size %dx%d: need both positive", opts.Width, opts.Height)
	}
	switch opts.Rotate {
	case 0, 90, 180, 270:
	default:
		return nil, fmt.Errorf("evdev: rotation %d: want 0, 90, 180 or 270", opts.Rotate)
	}
	if opts.Glob == "" {
		opts.Glob = DefaultGlob
	}
	if opts.Rescan == 0 {
		opts.Rescan = DefaultRescan
	}
	switch {
	case opts.MinMove == 0:
		opts.MinMove = DefaultMinMove
	case opts.MinMove < 0:
		opts.MinMove = 0
	}
	in := &Input{
		opts:    opts,
		open:    probe,
		events:  make(chan display.Event, 64),
		done:    make(chan struct{}),
		devices: map[string]*os.File{},
		kinds:   map[string]deviceKind{},
	}
	in.scan()
	in.wg.Add(1)
	go in.rescanLoop()
	return in, nil
}

// Events implements display.Input.
func (in *Input) Events() <-chan display.Event { return in.events }

// Devices returns the paths of the devices currently read, sorted.
func (in *Input) Devices() []string { return in.devicesOf(touchDevice, keyboardDevice) }

// TouchDevices returns the paths of the touch devices currently read,
// sorted: a kiosk with only a keyboard still has no touch.
func (in *Input) TouchDevices() []string { return in.devicesOf(touchDevice) }

// Keyboards returns the paths of the keyboards currently read, sorted.
func (in *Input) Keyboards() []string { return in.devicesOf(keyboardDevice) }

func (in *Input) devicesOf(kinds ...deviceKind) []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []string
	for p := range in.devices {
		if slices.Contains(kinds, in.kinds[p]) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Close implements display.Input: it stops every reader and closes the
// event channel.
func (in *Input) Close() error {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return nil
	}
	in.closed = true
	close(in.done)
	for _, f := range in.devices {
		f.Close() // unblocks the reader
	}
	in.mu.Unlock()
	in.wg.Wait()
	close(in.events)
	return nil
}

func (in *Input) logf(format string, args ...any) {
	if in.opts.Logf != nil {
		in.opts.Logf(format, args...)
	}
}

func (in *Input) rescanLoop() {
	defer in.wg.Done()
	t := time.NewTicker(in.opts.Rescan)
	defer t.Stop()
	for {
		select {
		case <-in.done:
			return
		case <-t.C:
			in.scan()
		}
	}
}

// scan opens touch devices and keyboards not yet open.
func (in *Input) scan() {
	paths, _ := filepath.Glob(in.opts.Glob) // the pattern is valid by construction
	for _, p := range paths {
		in.mu.Lock()
		_, open := in.devices[p]
		closed := in.closed
		in.mu.Unlock()
		if open || closed {
			continue
		}
		dev, err := in.open(p, in.transform)
		if err != nil {
			continue // not a touch device or keyboard, or not ours to read
		}
		f := dev.f
		in.mu.Lock()
		if in.closed {
			in.mu.Unlock()
			f.Close()
			return
		}
		in.devices[p], in.kinds[p] = f, dev.kind
		in.wg.Add(1)
		in.mu.Unlock()
		var d feeder
		switch dev.kind {
		case keyboardDevice:
			if dev.grabErr != nil {
				in.logf("evdev: %s: keyboard (US layout), not grabbed, other readers (the console) may see its keys: EVIOCGRAB: %v", p, dev.grabErr)
			} else {
				in.logf("evdev: %s: keyboard (US layout), grabbed", p)
			}
			d = &keyboard{}
		default:
			tr := dev.t
			in.logf("evdev: %s: touch device, x %d..%d, y %d..%d", p, tr.X.Min, tr.X.Max, tr.Y.Min, tr.Y.Max)
			d = &decoder{t: tr, minMove: in.opts.MinMove}
		}
		go func() {
			defer in.wg.Done()
			err := readEvents(f, EventSize, d, in.events, in.done)
			in.mu.Lock()
			delete(in.devices, p)
			delete(in.kinds, p)
			in.mu.Unlock()
			f.Close()
			in.logf("evdev: %s: gone: %v", p, err)
		}()
	}
}

// transform completes a device's Transform from the options.
func (in *Input) transform(x, y Axis) Transform {
	if c := in.opts.Calibration.X; c.Min != c.Max {
		x = c
	}
	if c := in.opts.Calibration.Y; c.Min != c.Max {
		y = c
	}
	return Transform{
		Width: in.opts.Width, Height: in.opts.Height,
		X: x, Y: y,
		SwapXY: in.opts.SwapXY, InvertX: in.opts.InvertX, InvertY: in.opts.InvertY,
		Rotate: in.opts.Rotate,
	}
}

// feeder is a device's decoder: the touch decoder or the keyboard.
type feeder interface {
	feed(e InputEvent, out []display.Event) []display.Event
}

// readEvents is the device reader, separate from the file handling so tests
// can drive it through a pipe.
func readEvents(r io.Reader, size int, d feeder, out chan<- display.Event, done <-chan struct{}) error {
	buf := make([]byte, 64*size)
	var pending []byte
	var evs []display.Event
	for {
		n, err := r.Read(buf)
		pending = append(pending, buf[:n]...)
		whole := len(pending) / size * size
		if whole > 0 {
			raw, perr := ParseEvents(pending[:whole], size)
			if perr != nil {
				return perr
			}
			pending = append(pending[:0], pending[whole:]...)
			evs = evs[:0]
			for _, e := range raw {
				evs = d.feed(e, evs)
			}
			evs = coalesceMoves(evs)
			for _, e := range evs {
				select {
				case out <- e:
				case <-done:
					return errors.New("evdev: closed")
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

// deviceKind is how a device is read.
type deviceKind int

const (
	notOurs deviceKind = iota
	touchDevice
	keyboardDevice
)

func (k deviceKind) String() string {
	switch k {
	case touchDevice:
		return "touch"
	case keyboardDevice:
		return "keyboard"
	}
	return "not ours"
}

// keyboardKeys are the keys a keyboard has: the letters and Enter. Mice
// (BTN_LEFT), power and sleep buttons (KEY_POWER), remote controls and
// headsets (media keys) lack them.
var keyboardKeys = []int{
	keyA, keyB, keyC, keyD, keyE, keyF, keyG, keyH, keyI, keyJ, keyK, keyL, keyM,
	keyN, keyO, keyP, keyQ, keyR, keyS, keyT, keyU, keyV, keyW, keyX, keyY, keyZ,
	keyEnter,
}

func hasBit(bits []byte, code int) bool {
	return code >= 0 && code/8 < len(bits) && bits[code/8]&(1<<(code%8)) != 0
}

// touchAxes are the axes a touch device's position is read from: the
// multitouch ones if it has them, else ABS_X/ABS_Y.
func touchAxes(abs []byte) (x, y int, ok bool) {
	switch {
	case hasBit(abs, absMTPositionX) && hasBit(abs, absMTPositionY):
		return absMTPositionX, absMTPositionY, true
	case hasBit(abs, absX) && hasBit(abs, absY):
		return absX, absY, true
	}
	return -1, -1, false
}

// classify decides from a device's EVIOCGBIT bitmaps (event types, EV_KEY
// codes, EV_ABS codes) how it is read. Absolute X/Y axes make a touch
// device, whatever keys it also has (a touch panel keeps its touch
// handling); else EV_KEY with every letter and Enter makes a keyboard.
// Anything else (a mouse, a power button, a sensor) is not ours.
func classify(ev, key, abs []byte) deviceKind {
	if _, _, ok := touchAxes(abs); ok {
		return touchDevice
	}
	if !hasBit(ev, evKey) {
		return notOurs
	}
	for _, c := range keyboardKeys {
		if !hasBit(key, c) {
			return notOurs
		}
	}
	return keyboardDevice
}

// device is an opened event device, ready to read.
type device struct {
	f    *os.File
	kind deviceKind
	// t is a touch device's Transform.
	t Transform
	// grabErr is why a keyboard could not be grabbed (EVIOCGRAB), if not.
	grabErr error
}

// openDevice opens path if it is a touch device or a keyboard. A
// keyboard is grabbed (EVIOCGRAB) so that only the kiosk reads it: the
// kernel's console keyboard handler and SysRq would otherwise act on its
// keys too (Ctrl+Alt+Del, Alt+Fn to switch consoles, typing to the
// console). The grab ends when the file is closed.
func openDevice(path string, complete func(x, y Axis) Transform) (device, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return device{}, fmt.Errorf("evdev: open: %w", err)
	}
	ev := make([]byte, evCnt/8)
	key := make([]byte, keyCnt/8)
	abs := make([]byte, absCnt/8)
	for _, b := range []struct {
		typ  uintptr
		bits []byte
		name string
	}{{0, ev, "0"}, {evKey, key, "EV_KEY"}, {evAbs, abs, "EV_ABS"}} {
		if err := ioctlBytes(f, eviocgbit(b.typ, uintptr(len(b.bits))), b.bits); err != nil {
			f.Close()
			return device{}, fmt.Errorf("evdev: %s: EVIOCGBIT(%s): %w", path, b.name, err)
		}
	}
	switch classify(ev, key, abs) {
	case touchDevice:
		xCode, yCode, _ := touchAxes(abs)
		x, err := absRange(f, xCode)
		if err == nil {
			var y Axis
			y, err = absRange(f, yCode)
			if err == nil {
				return device{f: f, kind: touchDevice, t: complete(x, y)}, nil
			}
		}
		f.Close()
		return device{}, fmt.Errorf("evdev: %s: EVIOCGABS: %w", path, err)
	case keyboardDevice:
		d := device{f: f, kind: keyboardDevice}
		d.grabErr = grab(f)
		return d, nil
	}
	f.Close()
	return device{}, fmt.Errorf("evdev: %s: neither absolute X/Y axes nor a keyboard's keys", path)
}

func absRange(f *os.File, code int) (Axis, error) {
	var info [6]int32 // value, minimum, maximum, fuzz, flat, resolution
	err := ioctl(f, func(fd uintptr) unix.Errno {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, fd, eviocgabs(uintptr(code)), uintptr(unsafe.Pointer(&info)))
		return e
	})
	if err != nil {
		return Axis{}, err
	}
	return Axis{Min: info[1], Max: info[2]}, nil
}

func ioctlBytes(f *os.File, req uintptr, b []byte) error {
	return ioctl(f, func(fd uintptr) unix.Errno {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(unsafe.Pointer(&b[0])))
		return e
	})
}

// grab is EVIOCGRAB(1): only this file receives the device's events
// until it is closed.
func grab(f *os.File) error {
	return ioctl(f, func(fd uintptr) unix.Errno {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, fd, eviocgrab, 1)
		return e
	})
}

// ioctl runs call, one ioctl, on f's descriptor through SyscallConn, not
// f.Fd(): Fd would put the file in blocking mode, and Close could then no
// longer end a read waiting for the device's next event. (Each call
// converts its pointer in the Syscall argument list, as package unsafe
// requires.)
func ioctl(f *os.File, call func(fd uintptr) unix.Errno) error {
	c, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var e unix.Errno
	if err := c.Control(func(fd uintptr) { e = call(fd) }); err != nil {
		return err
	}
	if e != 0 {
		return e
	}
	return nil
}
