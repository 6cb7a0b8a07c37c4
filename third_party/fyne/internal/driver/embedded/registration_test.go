//go:build tamago || noos || tinygo

package embedded_test

import (
	"image"
	"image/draw"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/embedded"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// frameDriver is an embedded.Driver that hands every rendered frame to the test.
type frameDriver struct {
	queue  chan embedded.Event
	frames chan *image.NRGBA
}

func (d *frameDriver) Render(img image.Image) {
	cp := image.NewNRGBA(img.Bounds())
	draw.Draw(cp, cp.Bounds(), img, img.Bounds().Min, draw.Src)
	select {
	case d.frames <- cp:
	default: // the test is not waiting for frames
	}
}
func (d *frameDriver) Run(f func())               { f() }
func (d *frameDriver) ScreenSize() fyne.Size      { return fyne.NewSize(400, 300) }
func (d *frameDriver) Queue() chan embedded.Event { return d.queue }

// startApp runs an app on a frameDriver showing content and returns it after the first frame.
func startApp(t *testing.T, content fyne.CanvasObject) (fyne.App, *frameDriver) {
	t.Helper()
	d := &frameDriver{queue: make(chan embedded.Event), frames: make(chan *image.NRGBA, 16)}
	a := app.NewWithID("com.example.registration")
	app.SetDriverDetails(a, d)
	w := a.NewWindow("test")
	w.SetContent(content)
	stopped := make(chan struct{})
	go func() {
		a.Driver().Run()
		close(stopped)
	}()
	t.Cleanup(func() {
		close(d.queue)
		<-stopped
	})
	nextFrame(t, d)
	return a, d
}

func nextFrame(t *testing.T, d *frameDriver) *image.NRGBA {
	t.Helper()
	select {
	case f := <-d.frames:
		return f
	case <-time.After(5 * time.Second):
		t.Fatal("no frame rendered")
		return nil
	}
}

func drain(d *frameDriver) {
	for {
		select {
		case <-d.frames:
		default:
			return
		}
	}
}

func tap(d *frameDriver, pos fyne.Position) {
	d.queue <- &embedded.TouchDownEvent{Position: pos}
	d.queue <- &embedded.TouchUpEvent{Position: pos}
}

// onMain runs f on the driver's goroutine and waits for it.
func onMain(a fyne.App, f func()) {
	a.Driver().DoFromGoroutine(f, true)
}

// waitFor polls cond on the driver's goroutine until it holds or 5 s pass.
func waitFor(t *testing.T, a fyne.App, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ok := false
		onMain(a, func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("timed out waiting for " + what)
}

func TestDoRepaints(t *testing.T) {
	label := widget.NewLabel("before")
	a, d := startApp(t, container.NewVBox(label))
	before := nextFrameAfter(t, a, d, label.Refresh)
	after := nextFrameAfter(t, a, d, func() { label.SetText("after, and longer") })
	assert.NotEqual(t, before.Pix, after.Pix, "the frame after fyne.Do must show the new text")
	assert.NotNil(t, a.Driver().CanvasForObject(label), "objects are registered with the canvas")
}

// A function run through fyne.Do that changes nothing costs no frame (a periodic timer must not
// repaint the screen every tick); SetContent from fyne.Do does.
func TestDoWithoutChangeRendersNothing(t *testing.T) {
	a, d := startApp(t, container.NewVBox(widget.NewLabel("still")))
	drain(d)
	for i := 0; i < 5; i++ {
		a.Driver().DoFromGoroutine(func() {}, false)
	}
	select {
	case <-d.frames:
		t.Fatal("a fyne.Do that changed nothing rendered a frame")
	case <-time.After(300 * time.Millisecond):
	}
	w := a.Driver().AllWindows()[0]
	f := nextFrameAfter(t, a, d, func() { w.SetContent(widget.NewLabel("new content")) })
	assert.NotNil(t, f)
}

// nextFrameAfter runs change through fyne.Do (no input event) and returns the frame that follows.
func nextFrameAfter(t *testing.T, a fyne.App, d *frameDriver, change func()) *image.NRGBA {
	t.Helper()
	drain(d)
	a.Driver().DoFromGoroutine(change, false)
	return nextFrame(t, d)
}

func TestEntryTapFocusesAndReceivesRunes(t *testing.T) {
	entry := widget.NewEntry()
	a, d := startApp(t, container.NewVBox(entry))
	var pos fyne.Position
	onMain(a, func() { pos = a.Driver().AbsolutePositionForObject(entry).Add(fyne.NewPos(10, 10)) })
	tap(d, pos)
	waitFor(t, a, "entry focus", func() bool {
		return a.Driver().AllWindows()[0].Canvas().Focused() == entry
	})
	d.queue <- &embedded.CharacterEvent{Rune: 'क'}
	d.queue <- &embedded.CharacterEvent{Rune: '1'}
	var text string
	onMain(a, func() { text = entry.Text })
	assert.Equal(t, "क1", text)
}

func TestSelectTapShowsTappableMenu(t *testing.T) {
	selected := make(chan string, 1)
	sel := widget.NewSelect([]string{"Hindi", "English"}, func(s string) { selected <- s })
	a, d := startApp(t, container.NewVBox(sel))
	var pos, size fyne.Position
	onMain(a, func() {
		pos = a.Driver().AbsolutePositionForObject(sel)
		size = fyne.NewPos(sel.Size().Width, sel.Size().Height)
	})
	tap(d, pos.Add(fyne.NewPos(10, 10))) // stock: nil dereference in NewPopUpMenu
	c := a.Driver().AllWindows()[0].Canvas()
	waitFor(t, a, "pop-up menu", func() bool { return c.Overlays().Top() != nil })

	// The menu opens under the select; its first item is just below the select's bottom edge.
	tap(d, fyne.NewPos(pos.X+20, pos.Y+size.Y+12))
	select {
	case s := <-selected:
		require.Equal(t, "Hindi", s)
	case <-time.After(5 * time.Second):
		t.Fatal("tapping the first menu item did not select it")
	}
	waitFor(t, a, "menu closed", func() bool { return c.Overlays().Top() == nil })
}

// rgbaDriver records the type of the images handed to Render.
type rgbaDriver struct {
	frameDriver
	kinds chan string
}

func (d *rgbaDriver) Render(img image.Image) {
	kind := "other"
	if _, ok := img.(*image.RGBA); ok {
		kind = "rgba"
	}
	select {
	case d.kinds <- kind:
	default:
	}
}

// The driver hands Render the premultiplied *image.RGBA it painted once (stock: an *image.NRGBA
// composited twice).
func TestRenderGetsPremultipliedRGBA(t *testing.T) {
	d := &rgbaDriver{frameDriver: frameDriver{queue: make(chan embedded.Event)}, kinds: make(chan string, 4)}
	a := app.NewWithID("com.example.rgba")
	app.SetDriverDetails(a, d)
	w := a.NewWindow("test")
	w.SetContent(widget.NewLabel("frame"))
	stopped := make(chan struct{})
	go func() {
		a.Driver().Run()
		close(stopped)
	}()
	defer func() {
		close(d.queue)
		<-stopped
	}()
	select {
	case k := <-d.kinds:
		assert.Equal(t, "rgba", k)
	case <-time.After(5 * time.Second):
		t.Fatal("no frame rendered")
	}
}
