package software

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/internal/painter"
	"fyne.io/fyne/v2/internal/scale"
	"fyne.io/fyne/v2/theme"
)

// retainedFrame is what PaintRetained knows about the frame it last painted.
type retainedFrame struct {
	dst   *image.RGBA
	bg    color.RGBA64
	objs  map[fyne.CanvasObject]objRecord
	order []fyne.CanvasObject // painting order
}

// objRecord is what an object looked like in a retained frame: its place in the painting order, the
// pixels it may cover and everything else its pixels depend on.
type objRecord struct {
	order  int
	bounds image.Rectangle
	key    any // comparable; a unique value for objects whose look cannot be keyed (always repainted)
	// exact objects paint the same pixels under any clip; the others (stock circle, line, polygon and
	// arc code, which shifts a raster cut at its top or left) are repainted whole.
	exact bool
}

type circleKey struct {
	fill, stroke color.RGBA64
	width        float32
}

type lineKey struct {
	stroke color.RGBA64
	width  float32
	p1, p2 fyne.Position
}

type rectLook struct {
	fill, stroke           color.RGBA64
	hasFill, hasStroke     bool
	strokeWidth, radius    float32
	tr, tl, br, bl, aspect float32
	scale                  float32
}

// PaintRetained brings dst, the frame it painted last time, up to date with c and returns the
// rectangle it repainted (empty if nothing changed). It repaints the whole frame the first time, when
// dst, bg or the theme changed; otherwise it compares every visible object with the previous frame
// (order, position, size, clip, colours, text, sizes, image source) and repaints the bounding box of
// what changed — the objects' old and new areas, and the areas of images invalidated since. The
// result equals PaintFrame's pixel for pixel.
func (p *FramePainter) PaintRetained(c fyne.Canvas, dst *image.RGBA, bg color.Color) image.Rectangle {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frame++
	themeChanged := p.checkTheme()

	objs, order := p.records(c, dst.Bounds())
	prev := p.retained
	dirty := dst.Bounds()
	if prev != nil && prev.dst == dst && prev.bg == rgba64(bg) && !themeChanged {
		dirty = p.pending
		// The painting order is compared among the objects in both frames: an object shown or
		// hidden repaints its own area, not everything painted after it.
		rank := func(list []fyne.CanvasObject, in map[fyne.CanvasObject]objRecord) map[fyne.CanvasObject]int {
			m := make(map[fyne.CanvasObject]int, len(list))
			for _, o := range list {
				if _, ok := in[o]; ok {
					m[o] = len(m)
				}
			}
			return m
		}
		newRank, oldRank := rank(order, prev.objs), rank(prev.order, objs)
		for o, r := range objs {
			old, ok := prev.objs[o]
			if ok {
				old.order, r.order = oldRank[o], newRank[o]
			}
			if !ok || old != r {
				dirty = dirty.Union(old.bounds).Union(r.bounds)
			}
		}
		for o, r := range prev.objs {
			if _, ok := objs[o]; !ok {
				dirty = dirty.Union(r.bounds)
			}
		}
		// An inexact object cut by the dirty area is repainted whole (and that may grow the area).
		for grown := !dirty.Empty(); grown; {
			grown = false
			for _, r := range objs {
				if !r.exact && r.bounds.Overlaps(dirty) && !r.bounds.In(dirty) {
					dirty = dirty.Union(r.bounds)
					grown = true
				}
			}
		}
		dirty = dirty.Intersect(dst.Bounds())
	}
	p.retained = &retainedFrame{dst: dst, bg: rgba64(bg), objs: objs, order: order}
	p.pending = image.Rectangle{}
	if !dirty.Empty() {
		p.paintArea(c, dst, bg, dirty)
	}
	p.trim()
	return dirty
}

// records describes every visible object painted into a frame of the given bounds.
func (p *FramePainter) records(c fyne.Canvas, frame image.Rectangle) (map[fyne.CanvasObject]objRecord, []fyne.CanvasObject) {
	objs := make(map[fyne.CanvasObject]objRecord)
	var list []fyne.CanvasObject
	order := 0
	p.walk(c, frame, func(obj fyne.CanvasObject, pos fyne.Position, clip image.Rectangle) {
		order++
		r := objRecord{order: order, exact: true}
		area := p.objectArea(c, obj, pos)
		switch o := obj.(type) {
		case *canvas.Text:
			col := o.Color
			if col == nil {
				col = theme.Color(theme.ColorNameForeground)
			}
			r.key = textKey{text: o.Text, size: o.TextSize, style: o.TextStyle, color: rgba64(col),
				face: painter.CachedFontFace(o.TextStyle, o.FontSource, o), scale: c.Scale()}
			r.key = struct {
				textKey
				align fyne.TextAlign
			}{r.key.(textKey), o.Alignment}
		case *canvas.Rectangle:
			r.key = rectLook{fill: rgba64(o.FillColor), stroke: rgba64(o.StrokeColor), hasFill: o.FillColor != nil,
				hasStroke: o.StrokeColor != nil, strokeWidth: o.StrokeWidth, radius: o.CornerRadius,
				tr: o.TopRightCornerRadius, tl: o.TopLeftCornerRadius, br: o.BottomRightCornerRadius,
				bl: o.BottomLeftCornerRadius, aspect: o.Aspect, scale: c.Scale()}
		case *canvas.Image:
			if (o.Image == nil || isComparable(o.Image)) && isComparable(o.Resource) {
				r.key = struct {
					imageParams
					radius float32
				}{imageParams{image: o.Image, resource: o.Resource, file: o.File, fill: o.FillMode,
					mode: o.ScaleMode, alpha: o.Alpha(), scale: c.Scale()}, o.CornerRadius}
			} else {
				r.key = p.unique()
			}
		case *canvas.Circle:
			r.key, r.exact = circleKey{fill: rgba64(o.FillColor), stroke: rgba64(o.StrokeColor), width: o.StrokeWidth}, false
		case *canvas.Line:
			r.key, r.exact = lineKey{stroke: rgba64(o.StrokeColor), width: o.StrokeWidth, p1: o.Position1, p2: o.Position2}, false
		case *canvas.Polygon, *canvas.Arc:
			r.key, r.exact = p.unique(), false
		case *canvas.Raster, gradient:
			r.key = p.unique() // a generator may paint anything
		default:
			return // containers and widgets paint nothing themselves
		}
		r.bounds = area.Intersect(clip)
		objs[obj] = r
		list = append(list, obj)
	})
	return objs, list
}

func (p *FramePainter) unique() any {
	p.uniqueKey++
	return p.uniqueKey
}

// objectArea is the pixel area obj may paint at pos: its box, grown by its vector pad, by the raster
// of a text (which may overflow its box) and by a pixel for rounding.
func (p *FramePainter) objectArea(c fyne.Canvas, obj fyne.CanvasObject, pos fyne.Position) image.Rectangle {
	size := obj.Size()
	pad := painter.VectorPad(obj)
	x0, y0 := scale.ToScreenCoordinate(c, pos.X-pad), scale.ToScreenCoordinate(c, pos.Y-pad)
	x1, y1 := scale.ToScreenCoordinate(c, pos.X+size.Width+pad), scale.ToScreenCoordinate(c, pos.Y+size.Height+pad)
	area := image.Rect(x0, y0, x1, y1)
	if t, ok := obj.(*canvas.Text); ok {
		min := t.MinSize()
		w := scale.ToScreenCoordinate(c, min.Width+pad)
		h := scale.ToScreenCoordinate(c, min.Height)
		offX, offY := float32(0), float32(0)
		switch t.Alignment {
		case fyne.TextAlignTrailing:
			offX = size.Width - min.Width
		case fyne.TextAlignCenter:
			offX = (size.Width - min.Width) / 2
		}
		if size.Height > min.Height {
			offY = (size.Height - min.Height) / 2
		}
		tx, ty := scale.ToScreenCoordinate(c, pos.X+offX), scale.ToScreenCoordinate(c, pos.Y+offY)
		area = area.Union(image.Rect(tx, ty, tx+w, ty+h))
	}
	return area.Inset(-1)
}
