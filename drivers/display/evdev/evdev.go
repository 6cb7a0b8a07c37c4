package evdev

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
// hot-plugged touchscreens.
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

// Input reads every touch device. It implements display.Input.
type Input struct {
	opts   Opts
	events chan display.Event
	done   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	devices map[string]*os.File
	closed  bool
}

var _ display.Input = (*Input)(nil)

// Open starts reading all touch devices present now and those that appear
// later. It fails when the options are invalid, not when no touchscreen is
// attached yet (a kiosk boots before its USB panel enumerates).
func Open(opts Opts) (*Input, error) {
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
		events:  make(chan display.Event, 64),
		done:    make(chan struct{}),
		devices: map[string]*os.File{},
	}
	in.scan()
	in.wg.Add(1)
	go in.rescanLoop()
	return in, nil
}

// Events implements display.Input.
func (in *Input) Events() <-chan display.Event { return in.events }

// Devices returns the paths of the devices currently read, sorted.
func (in *Input) Devices() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []string
	for p := range in.devices {
		out = append(out, p)
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

// scan opens touch devices not yet open.
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
		f, tr, err := openTouch(p, in.transform)
		if err != nil {
			continue // not a touch device, or not ours to read
		}
		in.mu.Lock()
		if in.closed {
			in.mu.Unlock()
			f.Close()
			return
		}
		in.devices[p] = f
		in.wg.Add(1)
		in.mu.Unlock()
		in.logf("evdev: %s: touch device, x %d..%d, y %d..%d", p, tr.X.Min, tr.X.Max, tr.Y.Min, tr.Y.Max)
		go func() {
			defer in.wg.Done()
			err := in.read(f, tr)
			in.mu.Lock()
			delete(in.devices, p)
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

// read decodes events from r until it fails or the input closes.
func (in *Input) read(r io.Reader, t Transform) error {
	return readEvents(r, EventSize, &decoder{t: t, minMove: in.opts.MinMove}, in.events, in.done)
}

// readEvents is the device reader, separate from the file handling so tests
// can drive it through a pipe.
func readEvents(r io.Reader, size int, d *decoder, out chan<- display.Event, done <-chan struct{}) error {
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

// openTouch opens path if it is an absolute-pointer/touch device.
func openTouch(path string, complete func(x, y Axis) Transform) (*os.File, Transform, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, Transform{}, fmt.Errorf("evdev: open: %w", err)
	}
	abs := make([]byte, absCnt/8)
	if err := ioctlBytes(f, eviocgbit(evAbs, uintptr(len(abs))), abs); err != nil {
		f.Close()
		return nil, Transform{}, fmt.Errorf("evdev: %s: EVIOCGBIT(EV_ABS): %w", path, err)
	}
	has := func(bits []byte, code int) bool { return code/8 < len(bits) && bits[code/8]&(1<<(code%8)) != 0 }
	xCode, yCode := -1, -1
	switch {
	case has(abs, absMTPositionX) && has(abs, absMTPositionY):
		xCode, yCode = absMTPositionX, absMTPositionY
	case has(abs, absX) && has(abs, absY):
		xCode, yCode = absX, absY
	default:
		f.Close()
		return nil, Transform{}, fmt.Errorf("evdev: %s: no absolute X/Y axes", path)
	}
	x, err := absRange(f, xCode)
	if err == nil {
		var y Axis
		y, err = absRange(f, yCode)
		if err == nil {
			return f, complete(x, y), nil
		}
	}
	f.Close()
	return nil, Transform{}, fmt.Errorf("evdev: %s: EVIOCGABS: %w", path, err)
}

func absRange(f *os.File, code int) (Axis, error) {
	var info [6]int32 // value, minimum, maximum, fuzz, flat, resolution
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), eviocgabs(uintptr(code)), uintptr(unsafe.Pointer(&info))); e != 0 {
		return Axis{}, e
	}
	return Axis{Min: info[1], Max: info[2]}, nil
}

func ioctlBytes(f *os.File, req uintptr, b []byte) error {
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), req, uintptr(unsafe.Pointer(&b[0]))); e != 0 {
		return e
	}
	return nil
}
