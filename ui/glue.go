package ui

import (
	"image"
	"image/draw"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// Screen is where frames go; drivers/display backends satisfy it.
type Screen interface {
	Size() image.Point
	Present(frame *image.RGBA, dirty image.Rectangle) error
}

// InputKind says what an InputEvent is.
type InputKind int

const (
	TouchDown InputKind = iota + 1
	TouchMove
	TouchUp
	KeyDown
)

// InputEvent is a touch or key in screen pixels.
type InputEvent struct {
	Kind InputKind
	X, Y float32
	Key  string
}

// driver implements embedded.Driver over a Screen.
type driver struct {
	screen Screen
	queue  chan embedded.Event
	frame  *image.RGBA

	mu      sync.Mutex
	frames  uint64
	cond    *sync.Cond
	last    *image.RGBA // copy of the last presented frame, for /screen.png
	onFirst func()
}

func newDriver(s Screen) *driver {
	d := &driver{screen: s, queue: make(chan embedded.Event, 256)}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// Render implements embedded.Driver. Fyne hands an *image.NRGBA whose
// pixels are opaque (the background is painted first), so its bytes are the
// RGBA bytes and can be copied without the per-pixel conversion image/draw
// would do.
func (d *driver) Render(img image.Image) {
	b := img.Bounds()
	if d.frame == nil || d.frame.Bounds() != b {
		d.frame = image.NewRGBA(b)
	}
	if n, ok := img.(*image.NRGBA); ok && n.Stride == d.frame.Stride {
		copy(d.frame.Pix, n.Pix)
		for i := 3; i < len(d.frame.Pix); i += 4 {
			if a := d.frame.Pix[i]; a != 0xFF {
				// Rare: premultiply a translucent pixel.
				for c := i - 3; c < i; c++ {
					d.frame.Pix[c] = uint8(uint16(d.frame.Pix[c]) * uint16(a) / 255)
				}
			}
		}
	} else {
		draw.Draw(d.frame, b, img, b.Min, draw.Src)
	}
	d.screen.Present(d.frame, image.Rectangle{})
	d.mu.Lock()
	if d.last == nil || d.last.Bounds() != b {
		d.last = image.NewRGBA(b)
	}
	copy(d.last.Pix, d.frame.Pix)
	d.frames++
	first := d.frames == 1
	d.cond.Broadcast()
	d.mu.Unlock()
	if first && d.onFirst != nil {
		d.onFirst()
	}
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

// waitFrame blocks until more than n frames were rendered.
func (d *driver) waitFrame(n uint64) {
	d.mu.Lock()
	for d.frames <= n {
		d.cond.Wait()
	}
	d.mu.Unlock()
}

// snapshot copies the last frame.
func (d *driver) snapshot() *image.RGBA {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last == nil {
		return nil
	}
	c := image.NewRGBA(d.last.Bounds())
	copy(c.Pix, d.last.Pix)
	return c
}

// repaint asks the driver for a frame: the embedded driver renders after
// every key event, and an unnamed key reaches no widget (no widget has
// focus on a kiosk screen). This is the workaround for fyne.Do not
// repainting.
func (d *driver) repaint() {
	d.queue <- &embedded.KeyEvent{Name: "", Direction: embedded.KeyPressed}
}

// tap injects a touch down and up at (x, y) through the same queue the
// touchscreen uses.
func (d *driver) tap(x, y float32) {
	p := fyne.NewPos(x, y)
	d.queue <- &embedded.TouchDownEvent{Position: p}
	d.queue <- &embedded.TouchUpEvent{Position: p}
}
