package embedded_test

import (
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/embedded"
	intNoos "fyne.io/fyne/v2/internal/driver/embedded"
	"github.com/stretchr/testify/assert"
)

// tapTarget records which of Tapped / TappedSecondary the driver delivered.
type tapTarget struct {
	*canvas.Rectangle
	got chan string
}

func (t *tapTarget) Tapped(*fyne.PointEvent)          { t.got <- "tapped" }
func (t *tapTarget) TappedSecondary(*fyne.PointEvent) { t.got <- "secondary" }

// runTap runs the driver with a Render that takes renderDelay, sends down and up back to back
// (up is queued while the down frame renders) and returns what the target received.
func runTap(t *testing.T, renderDelay time.Duration, down, up *embedded.TouchDownEvent, upTime time.Time) string {
	t.Helper()
	render := func(image.Image) { time.Sleep(renderDelay) }
	queue := make(chan embedded.Event, 4)
	d := intNoos.NewNoOSDriver(render, func(f func()) { f() }, queue, func() fyne.Size { return fyne.NewSize(100, 100) })
	w := d.CreateWindow("tap")
	target := &tapTarget{Rectangle: canvas.NewRectangle(nil), got: make(chan string, 2)}
	w.SetContent(target)

	result := make(chan string, 1)
	go func() {
		queue <- down
		queue <- &embedded.TouchUpEvent{Position: up.Position, ID: up.ID, Time: upTime}
		select {
		case r := <-target.got:
			result <- r
		case <-time.After(10 * time.Second):
			result <- "nothing"
		}
		close(queue)
	}()
	d.Run()
	return <-result
}

func TestSlowRenderStillTaps(t *testing.T) {
	pos := fyne.NewPos(50, 50)
	ev := &embedded.TouchDownEvent{Position: pos}
	assert.Equal(t, "tapped", runTap(t, 400*time.Millisecond, ev, ev, time.Time{}))
}

func TestDeviceTimestampsDecideTapKind(t *testing.T) {
	pos := fyne.NewPos(50, 50)
	start := time.Now()
	// A quick tap per the device clock, although rendering is slow.
	quick := &embedded.TouchDownEvent{Position: pos, Time: start}
	assert.Equal(t, "tapped", runTap(t, 400*time.Millisecond, quick, quick, start.Add(80*time.Millisecond)))
	// A long press per the device clock, although it arrives at once and rendering is fast.
	long := &embedded.TouchDownEvent{Position: pos, Time: start}
	assert.Equal(t, "secondary", runTap(t, 0, long, long, start.Add(500*time.Millisecond)))
}
