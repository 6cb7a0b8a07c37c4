// Package headless is a display with no hardware: frames go to an in-memory
// framebuffer and input comes from a channel fed by the program. Tests and
// the automation endpoint use it; it is also how a kiosk runs on a server
// for remote support drills.
package headless

import (
	"image"
	"sync"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// Screen is an in-memory framebuffer.
type Screen struct {
	mu     sync.Mutex
	size   image.Point
	fb     *image.RGBA
	frames int
}

var _ display.Screen = (*Screen)(nil)

// New returns a w×h framebuffer.
func New(w, h int) *Screen {
	return &Screen{size: image.Pt(w, h), fb: image.NewRGBA(image.Rect(0, 0, w, h))}
}

// Size implements display.Screen.
func (s *Screen) Size() image.Point { return s.size }

// Present implements display.Screen: it copies the dirty part of frame.
func (s *Screen) Present(frame *image.RGBA, dirty image.Rectangle) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.fb.Bounds()
	if !dirty.Empty() {
		r = dirty.Intersect(r)
	}
	r = r.Intersect(frame.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(s.fb.Pix[s.fb.PixOffset(r.Min.X, y):s.fb.PixOffset(r.Max.X, y)], frame.Pix[frame.PixOffset(r.Min.X, y):frame.PixOffset(r.Max.X, y)])
	}
	s.frames++
	return nil
}

// Frame returns a copy of the framebuffer and how many frames were shown.
func (s *Screen) Frame() (*image.RGBA, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := image.NewRGBA(s.fb.Bounds())
	copy(c.Pix, s.fb.Pix)
	return c, s.frames
}

// Close implements display.Screen.
func (s *Screen) Close() error { return nil }

// Input is a channel of events the program injects.
type Input struct {
	ch   chan display.Event
	once sync.Once
}

var _ display.Input = (*Input)(nil)

// NewInput returns an input with a small buffer.
func NewInput() *Input { return &Input{ch: make(chan display.Event, 64)} }

// Send injects an event.
func (in *Input) Send(e display.Event) { in.ch <- e }

// Events implements display.Input.
func (in *Input) Events() <-chan display.Event { return in.ch }

// Close implements display.Input.
func (in *Input) Close() error { in.once.Do(func() { close(in.ch) }); return nil }
