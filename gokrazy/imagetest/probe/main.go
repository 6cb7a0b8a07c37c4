// Command probe is the image test's stand-in kiosk: it exercises the same
// appliance display path as cmd/mitra (fbdev + evdev) and reports on the
// serial console, because supervised programs' stdout only reaches
// gokrazy's log ring buffer, not the console.
//
//   - paints a test card and writes "MITRA-PROBE: first frame WxH" to
//     /dev/console once the frame is in the framebuffer
//   - on every touch (or tablet click) paints a square at the touch point
//     and writes "MITRA-PROBE: touch X Y"
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"log"
	"os"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/display"
	"github.com/mitra-kiosk/mitra/drivers/display/evdev"
	"github.com/mitra-kiosk/mitra/drivers/display/fbdev"
)

// console is where markers go: the last console= on the kernel command line.
const console = "/dev/console"

func main() {
	con, err := os.OpenFile(console, os.O_WRONLY, 0)
	if err != nil {
		log.Fatalf("probe: %v", err)
	}
	say := func(format string, args ...any) {
		fmt.Fprintf(con, "MITRA-PROBE: "+format+"\n", args...)
	}
	var scr *fbdev.Screen
	// efifb may register a moment after init starts programs.
	for i := 0; ; i++ {
		scr, err = fbdev.Open(&fbdev.Opts{ConsoleTTY: "/dev/tty0"})
		if err == nil {
			break
		}
		if i == 50 {
			say("no framebuffer: %v", err)
			os.Exit(1)
		}
		time.Sleep(200 * time.Millisecond)
	}
	size := scr.Size()
	frame := image.NewRGBA(image.Rectangle{Max: size})
	draw.Draw(frame, frame.Rect, image.NewUniform(color.RGBA{0x10, 0x20, 0x40, 0xff}), image.Point{}, draw.Src)
	bands := []color.RGBA{{0xff, 0, 0, 0xff}, {0, 0xff, 0, 0xff}, {0, 0, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff}}
	for i, c := range bands {
		r := image.Rect(i*size.X/len(bands), 0, (i+1)*size.X/len(bands), size.Y/8)
		draw.Draw(frame, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	if err := scr.Present(frame, image.Rectangle{}); err != nil {
		say("present: %v", err)
		os.Exit(1)
	}
	info := scr.Info()
	say("first frame %dx%d %dbpp", size.X, size.Y, info.BitsPerPixel)

	in, err := evdev.Open(evdev.Opts{Width: size.X, Height: size.Y, Logf: func(f string, a ...any) { say(f, a...) }})
	if err != nil {
		say("input: %v", err)
		os.Exit(1)
	}
	mark := image.NewUniform(color.RGBA{0xff, 0x80, 0x00, 0xff})
	for ev := range in.Events() {
		if ev.Kind != display.TouchDown {
			continue
		}
		p := image.Pt(int(ev.X), int(ev.Y))
		r := image.Rect(p.X-50, p.Y-50, p.X+50, p.Y+50).Intersect(frame.Rect)
		draw.Draw(frame, r, mark, image.Point{}, draw.Src)
		if err := scr.Present(frame, r); err != nil {
			say("present: %v", err)
		}
		say("touch %d %d", p.X, p.Y)
	}
}
