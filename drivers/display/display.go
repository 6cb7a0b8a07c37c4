// Package display defines the display/input device class: a screen that shows
// whole or partial frames, and a source of touch and key events.
//
// Backends: drivers/display/headless (in-memory framebuffer, for tests and
// automation), drivers/display/x11 (a desktop window, for `make run`), and
// drivers/display/fbdev with drivers/display/evdev (the appliance: /dev/fb0
// and /dev/input/event*). The UI never imports this package; cmd/mitra hands
// a Screen and an event channel to ui.Run, whose own small interfaces these
// types satisfy.
package display

import (
	"image"
)

// Screen shows frames.
type Screen interface {
	// Size is the screen size in pixels.
	Size() image.Point
	// Present shows frame. Only the pixels inside dirty changed since the
	// previous call; a backend may copy just those. An empty dirty means the
	// whole frame. frame is owned by the caller after Present returns.
	Present(frame *image.RGBA, dirty image.Rectangle) error
	// Close releases the screen.
	Close() error
}

// EventKind says what an input Event is.
type EventKind int

const (
	TouchDown EventKind = iota + 1
	TouchMove
	TouchUp
	KeyDown // Key holds a Fyne-style key name ("Return", "BackSpace", "Escape", "F1")
	KeyUp
	Rune // Rune holds a typed character (technician keyboards)
)

// Event is one input event in screen pixel coordinates.
type Event struct {
	Kind EventKind
	X, Y float32 // for Touch*
	ID   int     // touch slot for multitouch; 0 for single touch
	Key  string
	Rune rune
}

// Input is a source of input events.
type Input interface {
	// Events returns the channel events arrive on. It is closed when the
	// input is closed.
	Events() <-chan Event
	Close() error
}
