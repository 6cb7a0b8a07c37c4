package ui

import (
	"fyne.io/fyne/v2"
)

// Page geometry in pixels at scale 1 (the 1280×800 panel).
const (
	topBar    = 120 // brand, title, step and the language switch
	bottomBar = 88  // Back and Cancel
	pagePad   = 16
)

// belowTop gives its objects the area under the top bar.
type belowTop struct{ top float32 }

func (l *belowTop) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, l.top))
		o.Resize(fyne.NewSize(s.Width, s.Height-l.top))
	}
}

func (l *belowTop) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, l.top) }

// pageLayout stacks three objects: a top bar of fixed height, a body that
// takes the rest, and a bottom bar of fixed height, inside a padding.
type pageLayout struct{ top, bottom, pad float32 }

func (l *pageLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	w := s.Width - 2*l.pad
	objs[0].Move(fyne.NewPos(l.pad, l.pad))
	objs[0].Resize(fyne.NewSize(w, l.top))
	bodyTop := l.pad + l.top
	if l.top > 0 {
		bodyTop += l.pad
	}
	bodyH := s.Height - bodyTop - l.bottom - 2*l.pad
	objs[1].Move(fyne.NewPos(l.pad, bodyTop))
	objs[1].Resize(fyne.NewSize(w, bodyH))
	objs[2].Move(fyne.NewPos(l.pad, s.Height-l.pad-l.bottom))
	objs[2].Resize(fyne.NewSize(w, l.bottom))
}

func (l *pageLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(320, l.top+l.bottom+4*l.pad)
}

// fixedRow puts its first object left and its second in a right column of
// fixed width, both of the given height.
type fixedRow struct{ height, right float32 }

func (l *fixedRow) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(s.Width-l.right-16, l.height))
	objs[1].Move(fyne.NewPos(s.Width-l.right, 8))
	objs[1].Resize(fyne.NewSize(l.right, 72))
}

func (l *fixedRow) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(l.right*2, l.height) }

// fixedHeight gives its objects the full width and a fixed height.
type fixedHeight struct{ h float32 }

func (l *fixedHeight) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(s.Width, l.h))
	}
}

func (l *fixedHeight) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(64, l.h) }

// centreBox centres its objects at a fixed size (shrunk to fit).
type centreBox struct{ w, h float32 }

func (l *centreBox) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	w, h := min(l.w, s.Width-32), min(l.h, s.Height-32)
	for _, o := range objs {
		o.Move(fyne.NewPos((s.Width-w)/2, (s.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l *centreBox) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(l.w, l.h) }

// widths lays its objects out left to right at fixed widths with gaps, full
// height.
type widths struct {
	w   []float32
	gap float32
}

func (l *widths) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(l.w[i], s.Height))
		x += l.w[i] + l.gap
	}
}

func (l *widths) MinSize([]fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, v := range l.w {
		w += v + l.gap
	}
	return fyne.NewSize(w, 64)
}
