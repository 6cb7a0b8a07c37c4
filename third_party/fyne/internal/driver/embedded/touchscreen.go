package embedded

import (
	"context"
	"image"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/internal/cache"
	"fyne.io/fyne/v2/internal/driver"
	swpainter "fyne.io/fyne/v2/internal/painter/software"
	"fyne.io/fyne/v2/internal/scale"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

const (
	tapMoveDecay        = 0.92                   // how much should the scroll continue decay on each frame?
	tapMoveEndThreshold = 2.0                    // at what offset will we stop decaying?
	tapMoveThreshold    = 4.0                    // how far can we move before it is a drag
	tapSecondaryDelay   = 300 * time.Millisecond // how long before secondary tap
	tapDoubleDelay      = 500 * time.Millisecond // max duration between taps for a DoubleTap event
)

type touchCanvas struct {
	test.WindowlessCanvas

	lastTapDown    map[int]tapTime
	lastTapDownPos map[int]fyne.Position
	lastTapDelta   map[int]fyne.Delta

	dragOffset fyne.Position
	dragStart  fyne.Position
	dragging   fyne.Draggable

	touched         map[int]mobile.Touchable
	touchCancelFunc context.CancelFunc
	touchCancelLock sync.Mutex
	touchLastTapped fyne.CanvasObject
	touchTapCount   int

	// needsRender is set by Refresh (canvas.Refresh, widget refreshes), SetContent, Resize and overlay
	// changes; the driver renders when its queues drain and this is set.
	needsRender atomic.Bool

	// painter paints frames into frame, a premultiplied *image.RGBA reused from frame to frame, with
	// caches of text, rectangle and scaled image rasters (internal/painter/software.FramePainter).
	painter *swpainter.FramePainter
	frame   *image.RGBA
	dirty   image.Rectangle // the area of frame repainted by the last paintFrame
}

// paintFrame brings c.frame up to date and returns it. The image is reused by the next frame.
func (c *touchCanvas) paintFrame() *image.RGBA {
	cache.Clean(true)
	size := c.Size()
	bounds := image.Rect(0, 0, scale.ToScreenCoordinate(c, size.Width), scale.ToScreenCoordinate(c, size.Height))
	if c.frame == nil || c.frame.Bounds() != bounds {
		c.frame = image.NewRGBA(bounds)
	}
	// Retained: only the area where objects changed since the last frame is repainted.
	c.dirty = c.painter.PaintRetained(c, c.frame, theme.Color(theme.ColorNameBackground))
	return c.frame
}

// Capture paints the whole window afresh (not from the retained frame) into a new premultiplied
// *image.RGBA.
func (c *touchCanvas) Capture() image.Image {
	cache.Clean(true)
	size := c.Size()
	img := image.NewRGBA(image.Rect(0, 0, scale.ToScreenCoordinate(c, size.Width), scale.ToScreenCoordinate(c, size.Height)))
	c.painter.PaintFrame(c, img, theme.Color(theme.ColorNameBackground))
	return img
}

// Refresh marks the canvas as needing a new frame. The embedded test canvas ignores refreshes, so without
// this fyne.Do updates and canvas.Refresh never reached the screen.
func (c *touchCanvas) Refresh(obj fyne.CanvasObject) {
	c.painter.Invalidate(obj)
	c.needsRender.Store(true)
}

// SetContent replaces the content and marks the canvas as needing a frame.
func (c *touchCanvas) SetContent(content fyne.CanvasObject) {
	c.WindowlessCanvas.SetContent(content)
	c.needsRender.Store(true)
}

// Resize resizes the canvas and marks it as needing a frame.
func (c *touchCanvas) Resize(size fyne.Size) {
	c.WindowlessCanvas.Resize(size)
	c.needsRender.Store(true)
}

// Overlays returns the canvas's overlay stack; adding or removing an overlay (a pop-up, a dialog)
// marks the canvas as needing a frame.
func (c *touchCanvas) Overlays() fyne.OverlayStack {
	return markingOverlays{OverlayStack: c.WindowlessCanvas.Overlays(), c: c}
}

type markingOverlays struct {
	fyne.OverlayStack
	c *touchCanvas
}

func (o markingOverlays) Add(overlay fyne.CanvasObject) {
	o.OverlayStack.Add(overlay)
	o.c.needsRender.Store(true)
}

func (o markingOverlays) Remove(overlay fyne.CanvasObject) {
	o.OverlayStack.Remove(overlay)
	o.c.needsRender.Store(true)
}

// register records c as the canvas of every visible object (content and overlays), so that
// CanvasForObject works: widgets use it to take focus (Entry), show pop-ups (Select) and refresh.
func (c *touchCanvas) register() {
	roots := []fyne.CanvasObject{c.Content()}
	roots = append(roots, c.Overlays().List()...)
	for _, root := range roots {
		if root == nil {
			continue
		}
		driver.WalkVisibleObjectTree(root, func(o fyne.CanvasObject, _, _ fyne.Position, _ fyne.Size) bool {
			cache.SetCanvasForObject(o, c, nil)
			return false
		}, nil)
	}
}

func newTouchCanvas() *touchCanvas {
	ret := &touchCanvas{
		WindowlessCanvas: software.NewCanvas(),
		lastTapDown:      make(map[int]tapTime),
		lastTapDownPos:   make(map[int]fyne.Position),
		lastTapDelta:     make(map[int]fyne.Delta),
		touched:          make(map[int]mobile.Touchable),
		painter:          swpainter.NewFramePainter(swpainter.DefaultCacheBytes),
	}
	return ret
}

// tapTime is when a touch event happened. Either the device reported it (device is true) or it is
// the time the driver dequeued the event together with the driver's total rendering time then.
type tapTime struct {
	at        time.Time
	rendering time.Duration
	device    bool
}

// since returns how long the finger was down between down and up, excluding time the driver spent
// rendering in between when the times were taken at dequeue (events wait in the queue while a frame renders).
func (up tapTime) since(down tapTime) time.Duration {
	d := up.at.Sub(down.at)
	if !up.device && !down.device {
		d -= up.rendering - down.rendering
	}
	return d
}

func (c *touchCanvas) tapDown(pos fyne.Position, tapID int, when tapTime) {
	c.lastTapDown[tapID] = when
	c.lastTapDownPos[tapID] = pos
	c.dragging = nil

	co, objPos, layer := driver.FindObjectAtPositionMatching(pos, func(object fyne.CanvasObject) bool {
		switch object.(type) {
		case mobile.Touchable, fyne.Focusable:
			return true
		}

		return false
	}, nil, c.Overlays().Top(), c.Content())

	if wid, ok := co.(mobile.Touchable); ok {
		touchEv := &mobile.TouchEvent{}
		touchEv.Position = objPos
		touchEv.AbsolutePosition = pos
		wid.TouchDown(touchEv)
		c.touched[tapID] = wid
	}

	if layer != 1 { // 0 - overlay, 1 - window head / menu, 2 - content
		if wid, ok := co.(fyne.Focusable); !ok || wid != c.Focused() {
			c.Unfocus()
		}
	}
}

func (c *touchCanvas) tapMove(pos fyne.Position, tapID int,
	dragCallback func(fyne.Draggable, *fyne.DragEvent),
) {
	previousPos := c.lastTapDownPos[tapID]
	deltaX := pos.X - previousPos.X
	deltaY := pos.Y - previousPos.Y

	if c.dragging == nil && (math.Abs(float64(deltaX)) < tapMoveThreshold && math.Abs(float64(deltaY)) < tapMoveThreshold) {
		return
	}
	c.lastTapDownPos[tapID] = pos
	offset := fyne.Delta{DX: deltaX, DY: deltaY}
	c.lastTapDelta[tapID] = offset

	co, objPos, _ := driver.FindObjectAtPositionMatching(pos, func(object fyne.CanvasObject) bool {
		if _, ok := object.(fyne.Draggable); ok {
			return true
		} else if _, ok := object.(mobile.Touchable); ok {
			return true
		}

		return false
	}, nil, c.Overlays().Top(), c.Content())

	if c.touched[tapID] != nil {
		if touch, ok := co.(mobile.Touchable); !ok || c.touched[tapID] != touch {
			touchEv := &mobile.TouchEvent{}
			touchEv.Position = objPos
			touchEv.AbsolutePosition = pos
			c.touched[tapID].TouchCancel(touchEv)
			c.touched[tapID] = nil
		}
	}

	if c.dragging == nil {
		if drag, ok := co.(fyne.Draggable); ok {
			c.dragging = drag
			c.dragOffset = previousPos.Subtract(objPos)
			c.dragStart = co.Position()
		} else {
			return
		}
	}

	ev := &fyne.DragEvent{}
	draggedObjDelta := c.dragStart.Subtract(c.dragging.(fyne.CanvasObject).Position())
	ev.Position = pos.Subtract(c.dragOffset).Add(draggedObjDelta)
	ev.Dragged = offset

	dragCallback(c.dragging, ev)
}

func (c *touchCanvas) tapUp(pos fyne.Position, tapID int, when tapTime,
	tapCallback func(fyne.Tappable, *fyne.PointEvent),
	tapAltCallback func(fyne.SecondaryTappable, *fyne.PointEvent),
	doubleTapCallback func(fyne.DoubleTappable, *fyne.PointEvent),
	dragCallback func(fyne.Draggable, *fyne.DragEvent),
) {
	if c.dragging != nil {
		previousDelta := c.lastTapDelta[tapID]
		ev := &fyne.DragEvent{Dragged: previousDelta}
		draggedObjDelta := c.dragStart.Subtract(c.dragging.(fyne.CanvasObject).Position())
		ev.Position = pos.Subtract(c.dragOffset).Add(draggedObjDelta)
		ev.AbsolutePosition = pos
		dragCallback(c.dragging, ev)

		c.dragging = nil
		return
	}

	duration := when.since(c.lastTapDown[tapID])

	co, objPos, _ := driver.FindObjectAtPositionMatching(pos, func(object fyne.CanvasObject) bool {
		if _, ok := object.(fyne.Tappable); ok {
			return true
		} else if _, ok := object.(fyne.SecondaryTappable); ok {
			return true
		} else if _, ok := object.(mobile.Touchable); ok {
			return true
		} else if _, ok := object.(fyne.DoubleTappable); ok {
			return true
		}

		return false
	}, nil, c.Overlays().Top(), c.Content())

	if wid, ok := co.(mobile.Touchable); ok {
		touchEv := &mobile.TouchEvent{}
		touchEv.Position = objPos
		touchEv.AbsolutePosition = pos
		wid.TouchUp(touchEv)
		c.touched[tapID] = nil
	}

	ev := &fyne.PointEvent{
		Position:         objPos,
		AbsolutePosition: pos,
	}

	if duration < tapSecondaryDelay {
		_, doubleTap := co.(fyne.DoubleTappable)
		if doubleTap {
			c.touchCancelLock.Lock()
			c.touchTapCount++
			c.touchLastTapped = co
			cancel := c.touchCancelFunc
			c.touchCancelLock.Unlock()
			if cancel != nil {
				cancel()
				return
			}
			go c.waitForDoubleTap(co, ev, tapCallback, doubleTapCallback)
		} else {
			if wid, ok := co.(fyne.Tappable); ok {
				tapCallback(wid, ev)
			}
		}
	} else {
		if wid, ok := co.(fyne.SecondaryTappable); ok {
			tapAltCallback(wid, ev)
		}
	}
}

func (c *touchCanvas) waitForDoubleTap(co fyne.CanvasObject, ev *fyne.PointEvent, tapCallback func(fyne.Tappable, *fyne.PointEvent), doubleTapCallback func(fyne.DoubleTappable, *fyne.PointEvent)) {
	ctx, cancel := context.WithDeadline(context.TODO(), time.Now().Add(tapDoubleDelay))
	c.touchCancelLock.Lock()
	c.touchCancelFunc = cancel
	c.touchCancelLock.Unlock()
	defer cancel()

	<-ctx.Done()
	fyne.CurrentApp().Driver().DoFromGoroutine(func() {
		c.touchCancelLock.Lock()
		touchCount := c.touchTapCount
		touchLast := c.touchLastTapped
		c.touchCancelLock.Unlock()

		if touchCount == 2 && touchLast == co {
			if wid, ok := co.(fyne.DoubleTappable); ok {
				doubleTapCallback(wid, ev)
			}
		} else {
			if wid, ok := co.(fyne.Tappable); ok {
				tapCallback(wid, ev)
			}
		}

		c.touchCancelLock.Lock()
		c.touchTapCount = 0
		c.touchCancelFunc = nil
		c.touchLastTapped = nil
		c.touchCancelLock.Unlock()
	}, true)
}
