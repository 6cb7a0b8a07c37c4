package fbdev

import (
	"fmt"
	"image"
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// Linux ioctl request numbers (include/uapi/linux/fb.h, kd.h).
const (
	fbioGetVScreenInfo = 0x4600
	fbioGetFScreenInfo = 0x4602
	kdSetMode          = 0x4B3A
	kdGetMode          = 0x4B3B
	kdGraphics         = 0x01
)

// DefaultDevice is the first framebuffer.
const DefaultDevice = "/dev/fb0"

// Opts configure Open.
type Opts struct {
	// Device is the framebuffer device; empty means DefaultDevice.
	Device string
	// ConsoleTTY, when set (e.g. "/dev/tty0"), is switched to KD_GRAPHICS
	// while the screen is open, so fbcon's cursor and kernel messages do not
	// draw over the kiosk; the previous mode is restored on Close.
	ConsoleTTY string
}

// Screen is a framebuffer device. It implements display.Screen.
type Screen struct {
	mu      sync.Mutex
	f       *os.File
	mem     []byte // the mmapped framebuffer (or a caller's buffer)
	unmap   bool
	conv    *converter
	size    image.Point
	vinfo   VarScreenInfo
	tty     *os.File
	ttyMode int
}

var _ display.Screen = (*Screen)(nil)

// Open opens and maps a framebuffer device.
func Open(opts *Opts) (*Screen, error) {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Device == "" {
		o.Device = DefaultDevice
	}
	f, err := os.OpenFile(o.Device, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("fbdev: open: %w (is a framebuffer driver loaded? efifb needs UEFI GOP, e.g. QEMU -vga std)", err)
	}
	var v VarScreenInfo
	var fix FixScreenInfo
	if err := ioctl(f, fbioGetVScreenInfo, unsafe.Pointer(&v)); err != nil {
		f.Close()
		return nil, fmt.Errorf("fbdev: FBIOGET_VSCREENINFO: %w", err)
	}
	if err := ioctl(f, fbioGetFScreenInfo, unsafe.Pointer(&fix)); err != nil {
		f.Close()
		return nil, fmt.Errorf("fbdev: FBIOGET_FSCREENINFO: %w", err)
	}
	need := int(fix.LineLength) * int(v.YResVirtual)
	if need == 0 || uint32(need) > fix.SmemLen {
		need = int(fix.SmemLen)
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, need, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fbdev: mmap %d bytes: %w", need, err)
	}
	s, err := newScreen(mem, v, int(fix.LineLength))
	if err != nil {
		unix.Munmap(mem)
		f.Close()
		return nil, err
	}
	s.f, s.unmap = f, true
	if o.ConsoleTTY != "" {
		if err := s.takeConsole(o.ConsoleTTY); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// NewMemory returns a Screen over caller-owned memory laid out as the
// device described by v and lineLength would be: for tests, and for
// framebuffers mapped by other means.
func NewMemory(mem []byte, v VarScreenInfo, lineLength int) (*Screen, error) {
	return newScreen(mem, v, lineLength)
}

func newScreen(mem []byte, v VarScreenInfo, lineLength int) (*Screen, error) {
	c, err := newConverter(v, lineLength)
	if err != nil {
		return nil, err
	}
	if v.XOffset+v.XRes > max(v.XResVirtual, v.XRes) || v.YOffset+v.YRes > max(v.YResVirtual, v.YRes) {
		return nil, fmt.Errorf("fbdev: visible area %dx%d+%d+%d outside the virtual %dx%d", v.XRes, v.YRes, v.XOffset, v.YOffset, v.XResVirtual, v.YResVirtual)
	}
	end := (int(v.YOffset)+int(v.YRes)-1)*lineLength + (int(v.XOffset)+int(v.XRes))*c.bytesPerPixel
	if end > len(mem) {
		return nil, fmt.Errorf("fbdev: %d bytes of framebuffer memory, the visible area needs %d", len(mem), end)
	}
	return &Screen{mem: mem, conv: c, size: image.Pt(int(v.XRes), int(v.YRes)), vinfo: v}, nil
}

// takeConsole switches the console to graphics mode (KDSETMODE) so that
// fbcon stops drawing on the framebuffer.
func (s *Screen) takeConsole(tty string) error {
	t, err := os.OpenFile(tty, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("fbdev: console %s: %w", tty, err)
	}
	var mode int32
	if err := ioctl(t, kdGetMode, unsafe.Pointer(&mode)); err != nil {
		t.Close()
		return fmt.Errorf("fbdev: KDGETMODE %s: %w", tty, err)
	}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, t.Fd(), kdSetMode, kdGraphics); e != 0 {
		t.Close()
		return fmt.Errorf("fbdev: KDSETMODE %s: %w", tty, e)
	}
	s.tty, s.ttyMode = t, int(mode)
	return nil
}

// Info returns the device's variable screen information.
func (s *Screen) Info() VarScreenInfo { return s.vinfo }

// Size implements display.Screen.
func (s *Screen) Size() image.Point { return s.size }

// Present implements display.Screen: it converts the dirty part of frame
// (all of it when dirty is empty) into the framebuffer.
func (s *Screen) Present(frame *image.RGBA, dirty image.Rectangle) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mem == nil {
		return fmt.Errorf("fbdev: present: screen closed")
	}
	screen := image.Rectangle{Max: s.size}.Add(frame.Rect.Min)
	r := frame.Rect.Intersect(screen)
	if !dirty.Empty() {
		r = r.Intersect(dirty)
	}
	if r.Empty() {
		return nil
	}
	s.conv.copyRect(s.mem, frame, r)
	return nil
}

// Close implements display.Screen.
func (s *Screen) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first error
	if s.tty != nil {
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, s.tty.Fd(), kdSetMode, uintptr(s.ttyMode)); e != 0 && first == nil {
			first = fmt.Errorf("fbdev: restore console mode: %w", e)
		}
		s.tty.Close()
		s.tty = nil
	}
	if s.unmap && s.mem != nil {
		if err := unix.Munmap(s.mem); err != nil && first == nil {
			first = fmt.Errorf("fbdev: munmap: %w", err)
		}
	}
	s.mem = nil
	if s.f != nil {
		if err := s.f.Close(); err != nil && first == nil {
			first = fmt.Errorf("fbdev: close: %w", err)
		}
		s.f = nil
	}
	return first
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}
