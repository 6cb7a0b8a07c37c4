// Package x11 shows the kiosk in a window on an X server, for `make run` on a
// developer's or technician's desktop. It is a pure-Go X11 client
// (github.com/jezek/xgb), so the kiosk binary stays CGO_ENABLED=0 and uses
// the very same embedded-driver path as the appliance's framebuffer.
//
// # Protocol
//
// X Window System protocol, core requests: CreateWindow, MapWindow,
// PutImage (ZPixmap, 24-bit depth, 32 bits per pixel, BGRX byte order on
// little-endian servers), and the events ButtonPress/ButtonRelease/
// MotionNotify (mouse = touch), KeyPress, Expose. Full screen through EWMH
// _NET_WM_STATE_FULLSCREEN.
package x11

import (
	"encoding/binary"
	"fmt"
	"image"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// Window is a kiosk window implementing display.Screen and display.Input.
type Window struct {
	conn   *xgb.Conn
	win    xproto.Window
	gc     xproto.Gcontext
	depth  byte
	msb    bool // the server wants big-endian pixels (XRGB bytes)
	size   image.Point
	events chan display.Event

	mu    sync.Mutex
	last  *image.RGBA // re-presented on Expose
	buf   []byte
	close sync.Once
}

var (
	_ display.Screen = (*Window)(nil)
	_ display.Input  = (*Window)(nil)
)

// Open connects to the X display (":0"; empty = $DISPLAY) and maps a w×h
// window titled title.
func Open(displayName string, w, h int, fullscreen bool, title string) (*Window, error) {
	conn, err := xgb.NewConnDisplay(displayName)
	if err != nil {
		return nil, fmt.Errorf("x11: connect: %w", err)
	}
	setup := xproto.Setup(conn)
	scr := setup.DefaultScreen(conn)
	if scr.RootDepth != 24 && scr.RootDepth != 32 {
		conn.Close()
		return nil, fmt.Errorf("x11: screen depth %d: only 24/32-bit TrueColor is supported", scr.RootDepth)
	}
	wid, err := xproto.NewWindowId(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("x11: %w", err)
	}
	mask := uint32(xproto.EventMaskExposure | xproto.EventMaskButtonPress | xproto.EventMaskButtonRelease |
		xproto.EventMaskButtonMotion | xproto.EventMaskKeyPress | xproto.EventMaskStructureNotify)
	if err := xproto.CreateWindowChecked(conn, scr.RootDepth, wid, scr.Root, 0, 0, uint16(w), uint16(h), 0,
		xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel|xproto.CwEventMask,
		[]uint32{scr.BlackPixel, mask}).Check(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("x11: create window: %w", err)
	}
	xproto.ChangeProperty(conn, xproto.PropModeReplace, wid, xproto.AtomWmName, xproto.AtomString, 8, uint32(len(title)), []byte(title))
	// A fixed-size window: the kiosk layout is designed for its panel size.
	hints := make([]byte, 18*4)
	putU32 := func(i int, v uint32) {
		hints[i*4], hints[i*4+1], hints[i*4+2], hints[i*4+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	putU32(0, 16|32) // PMinSize | PMaxSize
	putU32(5, uint32(w))
	putU32(6, uint32(h))
	putU32(7, uint32(w))
	putU32(8, uint32(h))
	xproto.ChangeProperty(conn, xproto.PropModeReplace, wid, xproto.AtomWmNormalHints, xproto.AtomWmSizeHints, 32, 18, hints)
	if fullscreen {
		// EWMH: a window may carry _NET_WM_STATE before it is mapped; the
		// window manager then maps it full screen.
		if state, err := atom(conn, "_NET_WM_STATE"); err == nil {
			if fs, err := atom(conn, "_NET_WM_STATE_FULLSCREEN"); err == nil {
				b := []byte{byte(fs), byte(fs >> 8), byte(fs >> 16), byte(fs >> 24)}
				xproto.ChangeProperty(conn, xproto.PropModeReplace, wid, state, xproto.AtomAtom, 32, 1, b)
			}
		}
		// Motif hints, which most window managers honour: flags =
		// MWM_HINTS_DECORATIONS (2), decorations = 0 (none).
		if motif, err := atom(conn, "_MOTIF_WM_HINTS"); err == nil {
			hints := []byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
			xproto.ChangeProperty(conn, xproto.PropModeReplace, wid, motif, motif, 32, 5, hints)
		}
	}
	gc, err := xproto.NewGcontextId(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("x11: %w", err)
	}
	xproto.CreateGC(conn, gc, xproto.Drawable(wid), 0, nil)
	if err := xproto.MapWindowChecked(conn, wid).Check(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("x11: map window: %w", err)
	}
	x := &Window{conn: conn, win: wid, gc: gc, depth: scr.RootDepth, size: image.Pt(w, h), events: make(chan display.Event, 64),
		msb: setup.ImageByteOrder == xproto.ImageOrderMSBFirst}
	go x.loop()
	return x, nil
}

func atom(c *xgb.Conn, name string) (xproto.Atom, error) {
	r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
	if err != nil {
		return 0, err
	}
	return r.Atom, nil
}

// Size implements display.Screen.
func (x *Window) Size() image.Point { return x.size }

// Present implements display.Screen: it converts the dirty rectangle to
// BGRX and sends it in PutImage requests small enough for the server's
// maximum request length.
func (x *Window) Present(frame *image.RGBA, dirty image.Rectangle) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.last == nil || x.last.Bounds() != frame.Bounds() {
		x.last = image.NewRGBA(frame.Bounds())
	}
	copy(x.last.Pix, frame.Pix)
	r := frame.Bounds()
	if !dirty.Empty() {
		r = dirty.Intersect(r)
	}
	return x.put(frame, r)
}

func (x *Window) put(frame *image.RGBA, r image.Rectangle) error {
	maxBytes := int(xproto.Setup(x.conn).MaximumRequestLength)*4 - 64
	rowBytes := r.Dx() * 4
	rows := max(1, maxBytes/rowBytes)
	for y0 := r.Min.Y; y0 < r.Max.Y; y0 += rows {
		y1 := min(r.Max.Y, y0+rows)
		n := (y1 - y0) * rowBytes
		if cap(x.buf) < n {
			x.buf = make([]byte, n)
		}
		b := x.buf[:n]
		i := 0
		for y := y0; y < y1; y++ {
			src := frame.Pix[frame.PixOffset(r.Min.X, y):frame.PixOffset(r.Max.X, y)]
			toX(b[i:i+len(src)], src, x.msb)
			i += len(src)
		}
		err := xproto.PutImageChecked(x.conn, xproto.ImageFormatZPixmap, xproto.Drawable(x.win), x.gc,
			uint16(r.Dx()), uint16(y1-y0), int16(r.Min.X), int16(y0), 0, x.depth, b).Check()
		if err != nil {
			return fmt.Errorf("x11: put image: %w", err)
		}
	}
	return nil
}

// toX converts RGBA pixels to the server's 32-bit TrueColor layout: BGRX
// bytes on little-endian servers (a uint32 0x00RRGGBB stored LSB first),
// XRGB on big-endian ones. Working on whole uint32s is ~2× faster than
// byte shuffling (../shared/docs/fyne-embedded.md, "Framebuffer
// conversion").
func toX(dst, src []byte, msb bool) {
	dst = dst[:len(src)]
	p := 0
	if !msb {
		// Two pixels per uint64: R G B A R G B A (LSB first) becomes
		// B G R 0 B G R 0.
		for ; p+8 <= len(src); p += 8 {
			v := binary.LittleEndian.Uint64(src[p:])
			px := (v&0x000000FF000000FF)<<16 | v&0x0000FF000000FF00 | (v>>16)&0x000000FF000000FF
			binary.LittleEndian.PutUint64(dst[p:], px)
		}
	}
	for ; p+4 <= len(src); p += 4 {
		v := binary.LittleEndian.Uint32(src[p:]) // A B G R, MSB to LSB
		px := v&0xFF<<16 | v&0xFF00 | v>>16&0xFF // 0x00RRGGBB
		if msb {
			binary.BigEndian.PutUint32(dst[p:], px)
		} else {
			binary.LittleEndian.PutUint32(dst[p:], px)
		}
	}
}

// Events implements display.Input: mouse button 1 is a touch.
func (x *Window) Events() <-chan display.Event { return x.events }

// keyNames maps the technician keys the kiosk knows (X keycodes on a PC
// keyboard with evdev rules: the Linux key code + 8) to Fyne key names.
var keyNames = map[xproto.Keycode]string{9: "Escape", 36: "Return", 104: "Return", 22: "BackSpace", 119: "Delete",
	67: "F1", 71: "F5"}

// keyDigits are the digit keys, main row and keypad (with evdev rules),
// which type the technician's PIN. A layout-independent table is enough:
// digits sit on the same keys on every layout a kiosk will meet.
var keyDigits = map[xproto.Keycode]rune{10: '1', 11: '2', 12: '3', 13: '4', 14: '5', 15: '6', 16: '7', 17: '8', 18: '9', 19: '0',
	79: '7', 80: '8', 81: '9', 83: '4', 84: '5', 85: '6', 87: '1', 88: '2', 89: '3', 90: '0'}

func (x *Window) loop() {
	defer close(x.events)
	down := false
	for {
		ev, err := x.conn.WaitForEvent()
		if ev == nil && err == nil {
			return // connection closed
		}
		if err != nil {
			continue
		}
		switch e := ev.(type) {
		case xproto.ExposeEvent:
			if e.Count == 0 {
				x.mu.Lock()
				if x.last != nil {
					x.put(x.last, x.last.Bounds())
				}
				x.mu.Unlock()
			}
		case xproto.ButtonPressEvent:
			if e.Detail == 1 {
				down = true
				x.events <- display.Event{Kind: display.TouchDown, X: float32(e.EventX), Y: float32(e.EventY)}
			}
		case xproto.ButtonReleaseEvent:
			if e.Detail == 1 && down {
				down = false
				x.events <- display.Event{Kind: display.TouchUp, X: float32(e.EventX), Y: float32(e.EventY)}
			}
		case xproto.MotionNotifyEvent:
			if down {
				x.events <- display.Event{Kind: display.TouchMove, X: float32(e.EventX), Y: float32(e.EventY)}
			}
		case xproto.KeyPressEvent:
			if k, ok := keyNames[e.Detail]; ok {
				x.events <- display.Event{Kind: display.KeyDown, Key: k}
			} else if r, ok := keyDigits[e.Detail]; ok && e.State&(xproto.ModMaskShift|xproto.ModMaskControl|xproto.ModMask1) == 0 {
				// Shifted or with Ctrl/Alt held it is not a digit.
				x.events <- display.Event{Kind: display.Rune, Rune: r}
			}
		}
	}
}

// Close implements display.Screen and display.Input.
func (x *Window) Close() error {
	x.close.Do(func() { x.conn.Close() })
	return nil
}
