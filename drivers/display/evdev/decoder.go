package evdev

import (
	"github.com/mitra-kiosk/mitra/drivers/display"
)

// Axis is an absolute axis' range (from struct input_absinfo, or a
// calibration).
type Axis struct {
	Min, Max int32
}

// Transform maps device coordinates to screen pixels.
type Transform struct {
	// Width and Height are the screen size in pixels.
	Width, Height int
	// X and Y are the axis ranges (calibration: the raw values at the
	// screen's left/right and top/bottom edges).
	X, Y Axis
	// SwapXY exchanges the axes before scaling (panels mounted rotated).
	SwapXY bool
	// InvertX and InvertY mirror an axis after scaling.
	InvertX, InvertY bool
	// Rotate is 0, 90, 180 or 270 degrees clockwise, applied last.
	Rotate int
}

// apply converts raw device coordinates to screen pixels, clamped to the
// screen.
func (t Transform) apply(rx, ry int32) (float32, float32) {
	xa, ya := t.X, t.Y
	if t.SwapXY {
		rx, ry = ry, rx
		xa, ya = ya, xa
	}
	// In rotated orientations the device's x spans the screen's height.
	w, h := t.Width, t.Height
	if t.Rotate == 90 || t.Rotate == 270 {
		w, h = h, w
	}
	x := scale(rx, xa, w)
	y := scale(ry, ya, h)
	if t.InvertX {
		x = float32(w-1) - x
	}
	if t.InvertY {
		y = float32(h-1) - y
	}
	switch t.Rotate {
	case 90:
		x, y = float32(t.Width-1)-y, x
	case 180:
		x, y = float32(t.Width-1)-x, float32(t.Height-1)-y
	case 270:
		x, y = y, float32(t.Height-1)-x
	}
	return x, y
}

func scale(v int32, a Axis, pixels int) float32 {
	if pixels <= 0 {
		return 0
	}
	span := int64(a.Max) - int64(a.Min)
	if span <= 0 {
		return 0
	}
	p := float32(float64(int64(v)-int64(a.Min)) * float64(pixels-1) / float64(span))
	if p < 0 {
		return 0
	}
	if p > float32(pixels-1) {
		return float32(pixels - 1)
	}
	return p
}

// decoder turns a device's input_event stream into display events. Events
// are collected until SYN_REPORT, as the kernel groups one report.
type decoder struct {
	t Transform
	// minMove is the distance in pixels a contact must travel from the
	// last reported position before a TouchMove is reported: the embedded
	// Fyne driver repaints the whole window on every move, so jitter of a
	// resting finger must not reach it.
	minMove float32

	x, y    int32 // current raw position (single-touch or slot 0)
	down    bool  // contact reported by the device
	wasDown bool  // contact as last reported to the program
	lastX   float32
	lastY   float32
	moved   bool
	slot    int32 // current multitouch slot
	mt      bool  // device uses multitouch positions for slot 0
	dropGate
}

// dropGate is SYN_DROPPED recovery (Documentation/input/event-codes.rst):
// after the kernel dropped events, everything up to and including the next
// SYN_REPORT is discarded. Set dropping on SYN_DROPPED.
type dropGate struct{ dropping bool }

// skip reports whether e falls in a dropped stretch, which the next
// SYN_REPORT ends.
func (g *dropGate) skip(e InputEvent) bool {
	if !g.dropping {
		return false
	}
	if e.Type == evSyn && e.Code == synReport {
		g.dropping = false
	}
	return true
}

// feed processes one event and appends any resulting display events.
func (d *decoder) feed(e InputEvent, out []display.Event) []display.Event {
	if d.skip(e) {
		return out
	}
	switch e.Type {
	case evSyn:
		switch e.Code {
		case synReport:
			return d.report(out)
		case synDropped:
			// The kernel's buffer overflowed: the state is unknown until the
			// next report. Lift the finger rather than leave a stuck touch.
			d.dropping = true
			d.down = false
			return d.report(out)
		}
	case evKey:
		if e.Code == btnTouch || e.Code == btnLeft {
			d.down = e.Value != 0
		}
	case evAbs:
		switch e.Code {
		case absX:
			if !d.mt {
				d.x, d.moved = e.Value, true
			}
		case absY:
			if !d.mt {
				d.y, d.moved = e.Value, true
			}
		case absMTSlot:
			d.slot = e.Value
		case absMTTrackingID:
			if d.slot == 0 {
				d.mt = true
				d.down = e.Value >= 0 // -1 lifts the contact
			}
		case absMTPositionX:
			if d.slot == 0 {
				d.mt = true
				d.x, d.moved = e.Value, true
			}
		case absMTPositionY:
			if d.slot == 0 {
				d.mt = true
				d.y, d.moved = e.Value, true
			}
		}
	}
	return out
}

func (d *decoder) report(out []display.Event) []display.Event {
	x, y := d.t.apply(d.x, d.y)
	switch {
	case d.down && !d.wasDown:
		out = append(out, display.Event{Kind: display.TouchDown, X: x, Y: y})
		d.lastX, d.lastY = x, y
	case d.down && d.wasDown && d.moved && d.farEnough(x, y):
		out = append(out, display.Event{Kind: display.TouchMove, X: x, Y: y})
		d.lastX, d.lastY = x, y
	case !d.down && d.wasDown:
		out = append(out, display.Event{Kind: display.TouchUp, X: x, Y: y})
	}
	d.wasDown = d.down
	d.moved = false
	return out
}

func (d *decoder) farEnough(x, y float32) bool {
	dx, dy := x-d.lastX, y-d.lastY
	if dx == 0 && dy == 0 {
		return false
	}
	return dx*dx+dy*dy >= d.minMove*d.minMove
}

// coalesceMoves keeps only the last of consecutive TouchMove events: moves
// that arrived together are stale except for the newest, and each one
// would cost the UI a full repaint.
func coalesceMoves(evs []display.Event) []display.Event {
	out := evs[:0]
	for i, e := range evs {
		if e.Kind == display.TouchMove && i+1 < len(evs) && evs[i+1].Kind == display.TouchMove {
			continue
		}
		out = append(out, e)
	}
	return out
}
