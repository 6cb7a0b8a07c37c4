package software

import (
	"image"
	"image/color"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/internal/driver"
	"fyne.io/fyne/v2/internal/painter"
	"fyne.io/fyne/v2/internal/scale"
	"fyne.io/fyne/v2/theme"

	"golang.org/x/image/draw"
)

// DefaultCacheBytes bounds the memory of a FramePainter's raster caches.
const DefaultCacheBytes = 32 << 20

// FramePainter paints a canvas into a premultiplied *image.RGBA, once per frame (Paint paints into an
// *image.NRGBA, which image/draw composites pixel by pixel through the generic interface path, and
// test.Canvas.Capture composites that over a second background image). It keeps byte-bounded caches of
// the rasters that are expensive to make and rarely change:
//   - text: keyed by content (string, size, style, resolved colour, font face, scale);
//   - rounded or stroked rectangles: keyed by content (size, colours, stroke, radii, scale);
//   - scaled images: keyed by source (image.Image, resource or file), pixel size, modes, radius, alpha and
//     scale, so a rebuilt screen with new *canvas.Image objects reuses them; Invalidate(img) drops the
//     rasters of img's source (the canvas calls it from Refresh(obj), as the GL drivers drop an image's
//     texture), so an image changed in place and refreshed is repainted.
//
// Every cache is dropped when the theme or its variant changes. A FramePainter is safe for use by
// one goroutine at a time (PaintFrame and Invalidate take a lock).
type FramePainter struct {
	mu    sync.Mutex
	limit int
	bytes int
	frame uint64

	text   map[textKey]*rasterEntry
	rects  map[rectKey]*rasterEntry
	images map[imageParams]*rasterEntry

	theme   fyne.Theme
	variant fyne.ThemeVariant

	// PaintRetained's state: the frame it paints into and what each object looked like in it.
	retained  *retainedFrame
	pending   image.Rectangle // areas to repaint whatever the diff says (invalidated images)
	uniqueKey uint64
}

type rasterEntry struct {
	img  *image.RGBA
	used uint64
}

type textKey struct {
	text   string
	size   float32
	style  fyne.TextStyle
	color  color.RGBA64
	face   *painter.FontCacheItem
	scale  float32
	width  int
	height int
}

type rectKey struct {
	width, height, pad float32
	fill, stroke       color.RGBA64
	hasFill, hasStroke bool
	strokeWidth        float32
	tr, tl, br, bl     float32
	scale              float32
}

// imageParams is everything about a *canvas.Image that its scaled raster depends on.
type imageParams struct {
	image    image.Image
	resource fyne.Resource
	file     string
	width    int
	height   int
	fill     canvas.ImageFill
	mode     canvas.ImageScale
	radius   float32
	alpha    float64
	scale    float32
}

// NewFramePainter returns a FramePainter whose caches hold at most limit bytes of pixels
// (DefaultCacheBytes if limit <= 0).
func NewFramePainter(limit int) *FramePainter {
	if limit <= 0 {
		limit = DefaultCacheBytes
	}
	return &FramePainter{
		limit:  limit,
		text:   make(map[textKey]*rasterEntry),
		rects:  make(map[rectKey]*rasterEntry),
		images: make(map[imageParams]*rasterEntry),
	}
}

// Invalidate drops the cached rasters of obj (a refreshed image may show new pixels under the same
// source, e.g. an image.Image changed in place).
func (p *FramePainter) Invalidate(obj fyne.CanvasObject) {
	img, ok := obj.(*canvas.Image)
	if !ok {
		return // text and rectangle rasters are keyed by their content
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retained != nil {
		if r, ok := p.retained.objs[img]; ok {
			p.pending = p.pending.Union(r.bounds)
		}
	}
	for k, e := range p.images {
		if (img.Image != nil && isComparable(img.Image) && k.image == img.Image) ||
			(img.Resource != nil && k.resource == img.Resource) || (img.File != "" && k.file == img.File) {
			p.bytes -= len(e.img.Pix)
			delete(p.images, k)
		}
	}
}

// CacheBytes returns the bytes of pixels currently cached.
func (p *FramePainter) CacheBytes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

// Clear drops every cached raster.
func (p *FramePainter) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *FramePainter) clear() {
	p.text = make(map[textKey]*rasterEntry)
	p.rects = make(map[rectKey]*rasterEntry)
	p.images = make(map[imageParams]*rasterEntry)
	p.bytes = 0
}

// PaintFrame paints the visible objects of c (content, then overlays) into dst, which is first filled
// with bg (cleared to transparent if bg is nil). It does not touch the retained state of PaintRetained.
func (p *FramePainter) PaintFrame(c fyne.Canvas, dst *image.RGBA, bg color.Color) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frame++
	if p.checkTheme() {
		p.retained = nil
	}
	p.paintArea(c, dst, bg, dst.Bounds())
	p.trim()
}

// paintArea repaints area of dst: the background, then every visible object clipped to area.
func (p *FramePainter) paintArea(c fyne.Canvas, dst *image.RGBA, bg color.Color, area image.Rectangle) {
	area = area.Intersect(dst.Bounds())
	if area.Empty() {
		return
	}
	if bg != nil {
		fill(dst, area, bg)
	} else {
		for y := area.Min.Y; y < area.Max.Y; y++ {
			row := dst.Pix[dst.PixOffset(area.Min.X, y):dst.PixOffset(area.Max.X, y)]
			for i := range row {
				row[i] = 0
			}
		}
	}
	p.walk(c, area, func(obj fyne.CanvasObject, pos fyne.Position, clip image.Rectangle) {
		switch o := obj.(type) {
		case *canvas.Image:
			p.drawImage(c, o, pos, dst, clip)
		case *canvas.Text:
			p.drawText(c, o, pos, dst, clip)
		case gradient:
			drawGradient(c, o, pos, dst, clip)
		case *canvas.Circle:
			drawCircle(c, o, pos, dst, clip)
		case *canvas.Line:
			drawLine(c, o, pos, dst, clip)
		case *canvas.Polygon:
			drawPolygon(c, o, pos, dst, clip)
		case *canvas.Raster:
			drawRaster(c, o, pos, dst, clip)
		case *canvas.Rectangle:
			p.drawRectangle(c, o, pos, dst, clip)
		case *canvas.Arc:
			drawArc(c, o, pos, dst, clip)
		}
	})
}

// walk calls f for every visible object (content, then overlays) whose clip, in pixels and limited to
// area, is not empty.
func (p *FramePainter) walk(c fyne.Canvas, area image.Rectangle, f func(fyne.CanvasObject, fyne.Position, image.Rectangle)) {
	size := c.Size()
	visit := func(obj fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size) bool {
		w := fyne.Min(clipPos.X+clipSize.Width, size.Width)
		h := fyne.Min(clipPos.Y+clipSize.Height, size.Height)
		clip := image.Rect(
			scale.ToScreenCoordinate(c, clipPos.X),
			scale.ToScreenCoordinate(c, clipPos.Y),
			scale.ToScreenCoordinate(c, w),
			scale.ToScreenCoordinate(c, h),
		).Intersect(area)
		if !clip.Empty() {
			f(obj, pos, clip)
		}
		return false
	}
	if content := c.Content(); content != nil {
		driver.WalkVisibleObjectTree(content, visit, nil)
	}
	for _, o := range c.Overlays().List() {
		driver.WalkVisibleObjectTree(o, visit, nil)
	}
}

// checkTheme drops every cache when the theme or its variant changed since the last frame.
func (p *FramePainter) checkTheme() bool {
	var th fyne.Theme
	var v fyne.ThemeVariant
	if a := fyne.CurrentApp(); a != nil {
		th = a.Settings().Theme()
		v = a.Settings().ThemeVariant()
	}
	changed := !sameTheme(th, p.theme) || v != p.variant
	if changed {
		p.clear()
	}
	p.theme, p.variant = th, v
	return changed
}

// sameTheme compares two themes; a theme whose dynamic type is not comparable is never the same.
func sameTheme(a, b fyne.Theme) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// trim evicts the rasters not used in this frame when the caches hold more than their limit, and
// everything if that is not enough (the next frame makes what it needs again).
func (p *FramePainter) trim() {
	if p.bytes <= p.limit {
		return
	}
	for k, e := range p.text {
		if e.used != p.frame {
			p.bytes -= len(e.img.Pix)
			delete(p.text, k)
		}
	}
	for k, e := range p.rects {
		if e.used != p.frame {
			p.bytes -= len(e.img.Pix)
			delete(p.rects, k)
		}
	}
	for k, e := range p.images {
		if e.used != p.frame {
			p.bytes -= len(e.img.Pix)
			delete(p.images, k)
		}
	}
	if p.bytes > p.limit {
		p.clear()
	}
}

// fill fills r of dst with col: a plain copy (draw.Src) when col is opaque, a blend otherwise.
func fill(dst *image.RGBA, r image.Rectangle, col color.Color) {
	if col == nil {
		return
	}
	_, _, _, a := col.RGBA()
	switch {
	case a == 0:
	case a == 0xffff:
		draw.Draw(dst, r, image.NewUniform(col), image.Point{}, draw.Src)
	default:
		draw.Draw(dst, r, image.NewUniform(col), image.Point{}, draw.Over)
	}
}

func rgba64(c color.Color) color.RGBA64 {
	if c == nil {
		return color.RGBA64{}
	}
	r, g, b, a := c.RGBA()
	return color.RGBA64{R: uint16(r), G: uint16(g), B: uint16(b), A: uint16(a)}
}

func (p *FramePainter) drawText(c fyne.Canvas, text *canvas.Text, pos fyne.Position, base *image.RGBA, clip image.Rectangle) {
	bounds := text.MinSize()
	width := scale.ToScreenCoordinate(c, bounds.Width+painter.VectorPad(text))
	height := scale.ToScreenCoordinate(c, bounds.Height)

	col := text.Color
	if col == nil {
		col = theme.Color(theme.ColorNameForeground)
	}
	face := painter.CachedFontFace(text.TextStyle, text.FontSource, text)

	size := text.Size()
	offsetX := float32(0)
	offsetY := float32(0)
	switch text.Alignment {
	case fyne.TextAlignTrailing:
		offsetX = size.Width - bounds.Width
	case fyne.TextAlignCenter:
		offsetX = (size.Width - bounds.Width) / 2
	}
	if size.Height > bounds.Height {
		offsetY = (size.Height - bounds.Height) / 2
	}
	scaledX := scale.ToScreenCoordinate(c, pos.X+offsetX)
	scaledY := scale.ToScreenCoordinate(c, pos.Y+offsetY)
	imgBounds := image.Rect(scaledX, scaledY, scaledX+width, scaledY+height)
	clippedBounds := clip.Intersect(imgBounds)
	if clippedBounds.Empty() || width <= 0 || height <= 0 {
		return
	}

	key := textKey{text: text.Text, size: text.TextSize, style: text.TextStyle, color: rgba64(col), face: face,
		scale: c.Scale(), width: width, height: height}
	e, ok := p.text[key]
	if !ok {
		txtImg := image.NewRGBA(image.Rect(0, 0, width, height))
		painter.DrawString(txtImg, text.Text, col, face.Fonts, text.TextSize, c.Scale(), text.TextStyle)
		e = &rasterEntry{img: txtImg}
		p.text[key] = e
		p.bytes += len(txtImg.Pix)
	}
	e.used = p.frame
	srcPt := image.Point{X: clippedBounds.Min.X - imgBounds.Min.X, Y: clippedBounds.Min.Y - imgBounds.Min.Y}
	draw.Draw(base, clippedBounds, e.img, srcPt, draw.Over)
}

func (p *FramePainter) drawRectangle(c fyne.Canvas, rect *canvas.Rectangle, pos fyne.Position, base *image.RGBA, clip image.Rectangle) {
	tr := painter.GetCornerRadius(rect.TopRightCornerRadius, rect.CornerRadius)
	tl := painter.GetCornerRadius(rect.TopLeftCornerRadius, rect.CornerRadius)
	br := painter.GetCornerRadius(rect.BottomRightCornerRadius, rect.CornerRadius)
	bl := painter.GetCornerRadius(rect.BottomLeftCornerRadius, rect.CornerRadius)

	width, height := rect.Size().Components()
	if aspect := rect.Aspect; aspect != 0 {
		frameAspect := width / height
		xPad, yPad := float32(0), float32(0)
		if frameAspect > aspect {
			newWidth := height * aspect
			xPad = (width - newWidth) / 2
			width = newWidth
		} else if frameAspect < aspect {
			newHeight := width / aspect
			yPad = (height - newHeight) / 2
			height = newHeight
		}
		pos = pos.AddXY(xPad, yPad)
	}

	stroked := rect.StrokeColor != nil && rect.StrokeWidth > 0
	if !stroked && tr == 0 && tl == 0 && br == 0 && bl == 0 {
		scaledWidth := scale.ToScreenCoordinate(c, width)
		scaledHeight := scale.ToScreenCoordinate(c, height)
		scaledX, scaledY := scale.ToScreenCoordinate(c, pos.X), scale.ToScreenCoordinate(c, pos.Y)
		fill(base, clip.Intersect(image.Rect(scaledX, scaledY, scaledX+scaledWidth, scaledY+scaledHeight)), rect.FillColor)
		return
	}

	pad := painter.VectorPad(rect)
	scaledWidth := scale.ToScreenCoordinate(c, width+pad*2)
	scaledHeight := scale.ToScreenCoordinate(c, height+pad*2)
	scaledX, scaledY := scale.ToScreenCoordinate(c, pos.X-pad), scale.ToScreenCoordinate(c, pos.Y-pad)
	bounds := clip.Intersect(image.Rect(scaledX, scaledY, scaledX+scaledWidth, scaledY+scaledHeight))
	if bounds.Empty() {
		return
	}

	key := rectKey{width: width, height: height, pad: pad, fill: rgba64(rect.FillColor), stroke: rgba64(rect.StrokeColor),
		hasFill: rect.FillColor != nil, hasStroke: rect.StrokeColor != nil, strokeWidth: rect.StrokeWidth,
		tr: tr, tl: tl, br: br, bl: bl, scale: c.Scale()}
	e, ok := p.rects[key]
	if !ok {
		s := c.Scale()
		raw := painter.DrawRectangle(rect, width, height, pad, func(in float32) float32 {
			return float32(math.Round(float64(in) * float64(s)))
		})
		e = &rasterEntry{img: raw}
		p.rects[key] = e
		p.bytes += len(raw.Pix)
	}
	e.used = p.frame

	// The raster's origin is at (scaledX, scaledY) however the clip cuts it (the stock painter only
	// compensates a negative position, which shifts the raster under a clip that cuts its top or left).
	draw.Draw(base, bounds, e.img, bounds.Min.Sub(image.Pt(scaledX, scaledY)), draw.Over)
}

func (p *FramePainter) drawImage(c fyne.Canvas, img *canvas.Image, pos fyne.Position, base *image.RGBA, clip image.Rectangle) {
	bounds := img.Size()
	if bounds.IsZero() {
		return
	}
	width := scale.ToScreenCoordinate(c, bounds.Width)
	height := scale.ToScreenCoordinate(c, bounds.Height)
	scaledX, scaledY := scale.ToScreenCoordinate(c, pos.X), scale.ToScreenCoordinate(c, pos.Y)
	if width <= 0 || height <= 0 || clip.Intersect(image.Rect(scaledX, scaledY, scaledX+width, scaledY+height)).Empty() {
		return
	}
	cornerRadius := fyne.Min(painter.GetMaximumRadius(bounds), img.CornerRadius) * c.Scale()

	params := imageParams{resource: img.Resource, file: img.File, width: width, height: height,
		fill: img.FillMode, mode: img.ScaleMode, radius: cornerRadius, alpha: img.Alpha(), scale: c.Scale()}
	outBounds := image.Rect(scaledX, scaledY, scaledX+width, scaledY+height)
	clipped := clip.Intersect(outBounds)
	srcPt := clipped.Min.Sub(outBounds.Min)
	if img.Image != nil && !isComparable(img.Image) || !isComparable(img.Resource) {
		drawImage(c, img, pos, base, clip) // no key for this source: paint it as the stock painter does
		return
	}
	params.image = img.Image
	e, ok := p.images[params]
	if !ok {
		// Paint the image as the stock painter does, onto a transparent premultiplied raster of the
		// object's size; that raster is what is cached.
		raster := image.NewRGBA(image.Rect(0, 0, width, height))
		drawImage(c, img, fyne.NewPos(0, 0), raster, raster.Bounds())
		e = &rasterEntry{img: raster}
		p.images[params] = e
		p.bytes += len(raster.Pix)
	}
	e.used = p.frame
	draw.Draw(base, clipped, e.img, srcPt, draw.Over)
}

func isComparable(v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_ = v == v
	return true
}
