package ui

import (
	"bytes"
	"image"
	"image/draw"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// Screen is where frames go; drivers/display backends satisfy it (the ui
// package does not import drivers/, so it names the method set it needs).
type Screen interface {
	// Size is the screen size in pixels.
	Size() image.Point
	// Present shows frame; only the pixels inside dirty changed since the
	// previous call. frame belongs to the caller after Present returns.
	Present(frame *image.RGBA, dirty image.Rectangle) error
}

// InputKind says what an InputEvent is.
type InputKind int

// Input event kinds, mirroring drivers/display.
const (
	TouchDown InputKind = iota + 1
	TouchMove
	TouchUp
	KeyDown
	Rune // a typed character (a technician's USB keyboard)
)

// InputEvent is a touch or key in screen pixels.
type InputEvent struct {
	Kind InputKind
	X, Y float32
	Key  string // for KeyDown: a Fyne key name ("Return", "Escape")
	Rune rune   // for Rune
}

// syncKey is the key name of the barrier events the automation endpoint
// queues behind its own events: the driver processes its queue in order
// and renders after every key event, so once a barrier was rendered every
// event queued before it was handled and painted.
const syncKey fyne.KeyName = "mitra.sync"

// driver implements embedded.Driver over a Screen.
type driver struct {
	screen Screen
	queue  chan embedded.Event

	mu         sync.Mutex
	cond       *sync.Cond
	frame      *image.RGBA // the last presented frame, also served as /screen.png
	frames     uint64      // frames rendered
	syncSent   uint64      // barriers queued
	syncSeen   uint64      // barriers handled by the loop (loop goroutine only writes)
	syncDone   uint64      // barriers whose frame was rendered
	lastDirt   image.Rectangle
	busy       int    // outstanding async work (begin/end)
	ended      uint64 // work finished so far
	onFirst    func()
	presentErr func(error)
	// onKey gets every key other than the automation's barriers, on the
	// Fyne loop: the technician's keyboard.
	onKey func(fyne.KeyName)
}

func newDriver(s Screen) *driver {
	d := &driver{screen: s, queue: make(chan embedded.Event, 256)}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// Render implements embedded.Driver. It converts Fyne's frame into the
// retained *image.RGBA and presents only the rectangle that changed:
// Fyne repaints the whole window for every event, but most events (a tap
// on a key, a counter ticking up) change a small part of it, and the X11
// and framebuffer backends pay per presented pixel.
func (d *driver) Render(img image.Image) {
	b := img.Bounds()
	d.mu.Lock()
	first := d.frame == nil
	if first || d.frame.Bounds() != b {
		d.frame = image.NewRGBA(b)
		first = true
	}
	var dirty image.Rectangle
	switch src := img.(type) {
	case *image.RGBA:
		// Mitra's patched Fyne paints a premultiplied *image.RGBA (reused by
		// its next frame, so it is copied here).
		dirty = copyChanged(d.frame, src.Pix, src.Stride, false)
	case *image.NRGBA:
		dirty = convertNRGBA(d.frame, src)
	default:
		draw.Draw(d.frame, b, img, b.Min, draw.Src)
		dirty = b
	}
	if first {
		dirty = b
	}
	d.frames++
	d.syncDone = d.syncSeen
	d.lastDirt = dirty
	frame := d.frame
	d.cond.Broadcast()
	d.mu.Unlock()
	// Present outside the lock: a slow X server must not block /screen.png
	// readers. Only the loop goroutine writes frame, so it is stable here.
	if !dirty.Empty() {
		if err := d.screen.Present(frame, dirty); err != nil && d.presentErr != nil {
			d.presentErr(err)
		}
	}
	if first && d.onFirst != nil {
		d.onFirst()
	}
}

// convertNRGBA copies src into dst (same bounds) and returns the bounding
// box of the pixels that changed. Fyne's Capture paints over an opaque
// background, so its non-premultiplied bytes are already the premultiplied
// ones; a row is compared with bytes.Equal (vectorised) before anything is
// copied, and only translucent pixels (none in practice) are premultiplied.
func convertNRGBA(dst *image.RGBA, src *image.NRGBA) image.Rectangle {
	return copyChanged(dst, src.Pix, src.Stride, true)
}

// copyChanged copies the frame in pix (same bounds as dst, rows stride
// bytes apart) into dst and returns the bounding box of the pixels that
// changed. premultiply converts translucent non-premultiplied pixels.
func copyChanged(dst *image.RGBA, pix []byte, stride int, premultiply bool) image.Rectangle {
	b := dst.Bounds()
	w := b.Dx() * 4
	minX, maxX, minY, maxY := w, -1, -1, -1
	for y := 0; y < b.Dy(); y++ {
		s := pix[y*stride : y*stride+w]
		t := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		if bytes.Equal(s, t) {
			continue
		}
		lo := 0
		for lo+8 <= w && bytes.Equal(s[lo:lo+8], t[lo:lo+8]) {
			lo += 8
		}
		hi := w
		for hi-8 >= lo && bytes.Equal(s[hi-8:hi], t[hi-8:hi]) {
			hi -= 8
		}
		lo, hi = lo&^3, (hi+3)&^3
		copy(t[lo:hi], s[lo:hi])
		if premultiply {
			for i := lo + 3; i < hi; i += 4 {
				if a := t[i]; a != 0xFF {
					t[i-3] = uint8(uint16(t[i-3]) * uint16(a) / 255)
					t[i-2] = uint8(uint16(t[i-2]) * uint16(a) / 255)
					t[i-1] = uint8(uint16(t[i-1]) * uint16(a) / 255)
				}
			}
		}
		if minY < 0 {
			minY = y
		}
		maxY = y
		minX, maxX = min(minX, lo), max(maxX, hi)
	}
	if minY < 0 {
		return image.Rectangle{}
	}
	return image.Rect(b.Min.X+minX/4, b.Min.Y+minY, b.Min.X+maxX/4, b.Min.Y+maxY+1)
}

// Run implements embedded.Driver: the event loop runs on the caller.
func (d *driver) Run(f func()) { f() }

// ScreenSize implements embedded.Driver.
func (d *driver) ScreenSize() fyne.Size {
	s := d.screen.Size()
	return fyne.NewSize(float32(s.X), float32(s.Y))
}

// Queue implements embedded.Driver.
func (d *driver) Queue() chan embedded.Event { return d.queue }

// frameCount returns how many frames were rendered.
func (d *driver) frameCount() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.frames
}

// snapshot copies the last frame; nil before the first.
func (d *driver) snapshot() *image.RGBA {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.frame == nil {
		return nil
	}
	c := image.NewRGBA(d.frame.Bounds())
	copy(c.Pix, d.frame.Pix)
	return c
}

// repaint asks the driver for a frame after the loop changed the screen
// outside an input event. With Mitra's patched Fyne (third_party/fyne,
// patch 3) there is nothing to do: every function run through fyne.Do marks
// the window as needing a frame, and the driver renders once its queues
// have drained. (Stock v2.7.3 never repainted after fyne.Do; the workaround
// was to queue an empty KeyEvent, which now costs a second full frame.)
//
// The automation barrier does not depend on it: a barrier is a key event,
// and the driver renders after every key event, so the frame presented
// after a barrier contains every change made on the loop before it.
func (d *driver) repaint() {}

// typedKey is the canvas's key handler: it counts barriers.
func (d *driver) typedKey(e *fyne.KeyEvent) {
	if e.Name == syncKey {
		d.mu.Lock()
		d.syncSeen++
		d.mu.Unlock()
		return
	}
	if d.onKey != nil {
		d.onKey(e.Name)
	}
}

// barrier queues a sync event behind everything queued so far and waits
// until the frame rendered after it was presented, or until the deadline.
// It reports whether the barrier was reached.
func (d *driver) barrier(deadline time.Time) bool {
	d.mu.Lock()
	d.syncSent++
	want := d.syncSent
	d.mu.Unlock()
	d.queue <- &embedded.KeyEvent{Name: syncKey, Direction: embedded.KeyPressed}
	return d.waitFor(deadline, func() bool { return d.syncDone >= want })
}

// waitFor waits under d.mu until cond holds or deadline passes.
func (d *driver) waitFor(deadline time.Time, cond func() bool) bool {
	stop := time.AfterFunc(time.Until(deadline), func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer stop.Stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for !cond() {
		if !time.Now().Before(deadline) {
			return false
		}
		d.cond.Wait()
	}
	return true
}

// begin counts one piece of outstanding work the automation endpoint must
// wait for; end finishes it.
func (d *driver) begin() {
	d.mu.Lock()
	d.busy++
	d.mu.Unlock()
}

func (d *driver) end() {
	d.mu.Lock()
	d.busy--
	d.ended++
	d.cond.Broadcast()
	d.mu.Unlock()
}

// settle waits until no work is outstanding and every event queued so far
// was handled and its frame presented, or until timeout. It reports
// whether the UI settled. Work that ends while a barrier is in flight may
// have queued more (its frame, a state change), so settling takes a
// barrier during which nothing started or ended.
func (d *driver) settle(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if !d.waitFor(deadline, func() bool { return d.busy == 0 }) {
			return false
		}
		d.mu.Lock()
		ended := d.ended
		d.mu.Unlock()
		if !d.barrier(deadline) {
			return false
		}
		d.mu.Lock()
		quiet := d.busy == 0 && d.ended == ended
		d.mu.Unlock()
		if quiet {
			return true
		}
	}
}

// tap injects a touch down and up at (x, y) through the same queue the
// touchscreen uses.
func (d *driver) tap(x, y float32) {
	p := fyne.NewPos(x, y)
	d.queue <- &embedded.TouchDownEvent{Position: p}
	d.queue <- &embedded.TouchUpEvent{Position: p}
}
