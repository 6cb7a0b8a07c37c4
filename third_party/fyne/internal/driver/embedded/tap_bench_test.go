//go:build tamago || noos || tinygo

package embedded_test

import (
	"fmt"
	"image"
	"image/color"
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/embedded"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// benchDriver is an embedded.Driver of a given screen size that signals each finished Render.
type benchDriver struct {
	size     fyne.Size
	queue    chan embedded.Event
	rendered chan struct{}
}

func (d *benchDriver) Render(image.Image)         { d.rendered <- struct{}{} }
func (d *benchDriver) Run(f func())               { f() }
func (d *benchDriver) ScreenSize() fyne.Size      { return d.size }
func (d *benchDriver) Queue() chan embedded.Event { return d.queue }

// homeTile is one of the kiosk Home screen's service tiles: a rounded, stroked card with an SVG icon,
// a Hindi 28 pt title and an English 22 pt subtitle, tappable as a whole.
type homeTile struct {
	widget.BaseWidget
	content fyne.CanvasObject
	taps    int
}

func newHomeTile(icon fyne.Resource, hindi, english string) *homeTile {
	card := canvas.NewRectangle(color.NRGBA{R: 0xfb, G: 0xf3, B: 0xe6, A: 0xff})
	card.CornerRadius = 18
	card.StrokeColor = color.NRGBA{R: 0xe0, G: 0x7a, B: 0x1f, A: 0xff}
	card.StrokeWidth = 3
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(96))
	hi := canvas.NewText(hindi, color.Black)
	hi.TextSize = 28
	hi.Alignment = fyne.TextAlignCenter
	en := canvas.NewText(english, color.NRGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff})
	en.TextSize = 22
	en.Alignment = fyne.TextAlignCenter
	t := &homeTile{content: container.NewStack(card, container.NewPadded(container.NewVBox(
		layout.NewSpacer(), container.NewCenter(img), hi, en, layout.NewSpacer())))}
	t.ExtendBaseWidget(t)
	return t
}

func (t *homeTile) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }
func (t *homeTile) Tapped(*fyne.PointEvent)             { t.taps++ }

func homeScreen() (fyne.CanvasObject, []*homeTile) {
	services := []struct {
		icon           fyne.Resource
		hindi, english string
	}{
		{theme.AccountIcon(), "आधार सेवाएँ", "Aadhaar services"},
		{theme.DocumentIcon(), "प्रमाण पत्र", "Certificates"},
		{theme.StorageIcon(), "बिजली बिल", "Electricity bill"},
		{theme.MailSendIcon(), "पानी बिल", "Water bill"},
		{theme.HomeIcon(), "भूमि रिकॉर्ड", "Land records"},
		{theme.InfoIcon(), "पेंशन", "Pension"},
		{theme.SearchIcon(), "आवेदन स्थिति", "Application status"},
		{theme.HelpIcon(), "सहायता", "Help"},
	}
	tiles := make([]*homeTile, len(services))
	objs := make([]fyne.CanvasObject, len(services))
	for i, s := range services {
		tiles[i] = newHomeTile(s.icon, s.hindi, s.english)
		objs[i] = tiles[i]
	}
	return container.NewGridWithColumns(4, objs...), tiles
}

// BenchmarkTapDownToRender measures a touch down on a Home tile until the driver's Render returns,
// the latency a citizen sees. Reports p50 and max in ms besides ns/op.
func BenchmarkTapDownToRender(b *testing.B) {
	for _, size := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(800, 480)} {
		b.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(b *testing.B) {
			d := &benchDriver{size: size, queue: make(chan embedded.Event), rendered: make(chan struct{}, 1)}
			a := app.NewWithID("com.example.bench")
			app.SetDriverDetails(a, d)
			w := a.NewWindow("home")
			content, tiles := homeScreen()
			w.SetContent(content)
			stopped := make(chan struct{})
			go func() { a.Driver().Run(); close(stopped) }()
			<-d.rendered // first frame

			var pos fyne.Position
			a.Driver().DoFromGoroutine(func() {
				// Computed from the layout, not AbsolutePositionForObject, which is (0,0) in stock Fyne.
				pos = content.Position().Add(tiles[5].Position()).Add(fyne.NewPos(40, 40))
			}, true)
			waitIdle := func() { // let flushes for pending refreshes finish
				for {
					select {
					case <-d.rendered:
					case <-time.After(30 * time.Millisecond):
						return
					}
				}
			}
			waitIdle()

			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				d.queue <- &embedded.TouchDownEvent{Position: pos}
				<-d.rendered
				lat = append(lat, time.Since(start))
				b.StopTimer()
				d.queue <- &embedded.TouchUpEvent{Position: pos}
				<-d.rendered
				waitIdle()
				b.StartTimer()
			}
			b.StopTimer()
			close(d.queue)
			<-stopped
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			if tiles[5].taps == 0 {
				b.Fatal("the tile was never tapped")
			}
		})
	}
}
