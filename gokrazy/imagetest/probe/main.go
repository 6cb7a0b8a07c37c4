// Command probe is the image test's stand-in kiosk: it exercises the same
// appliance display path as cmd/mitra (fbdev + evdev) and reports on the
// serial console, because supervised programs' stdout only reaches
// gokrazy's log ring buffer, not the console.
//
//   - paints a test card and writes "MITRA-PROBE: first frame WxH" to
//     /dev/console once the frame is in the framebuffer
//   - on every touch (or tablet click) paints a square at the touch point
//     and writes "MITRA-PROBE: touch X Y"
//   - after the first frame writes the health file cmd/mitra-update waits
//     for (as cmd/mitra does), unless -unhealthy: then it exits at once,
//     a broken kiosk for the update rollback test
//   - counts its boots in /perm/probe/boots (appended and fsync'd) and
//     writes "MITRA-PROBE: boot N", so a test can check that /perm is
//     writable and survives a power cut
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"log"
	"os"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/update"
	"github.com/mitra-kiosk/mitra/drivers/display"
	"github.com/mitra-kiosk/mitra/drivers/display/evdev"
	"github.com/mitra-kiosk/mitra/drivers/display/fbdev"
)

// console is where markers go: the last console= on the kernel command line.
const console = "/dev/console"

func main() {
	unhealthy := flag.Bool("unhealthy", false, "exit at once: a kiosk that never becomes healthy")
	flag.Parse()
	con, err := os.OpenFile(console, os.O_WRONLY, 0)
	if err != nil {
		log.Fatalf("probe: %v", err)
	}
	say := func(format string, args ...any) {
		fmt.Fprintf(con, "MITRA-PROBE: "+format+"\n", args...)
	}
	if *unhealthy {
		say("unhealthy build: exiting")
		os.Exit(1)
	}
	if n, err := countBoot(); err != nil {
		say("perm: %v", err)
	} else {
		say("boot %d", n)
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
	if err := os.MkdirAll("/run/mitra", 0o755); err != nil {
		say("health file: %v", err)
	} else if err := os.WriteFile(update.DefaultHealthFile, []byte("probe\n"), 0o644); err != nil {
		say("health file: %v", err)
	}

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

// bootLog is on /perm, which gokrazy mounts (ext4) before starting programs.
const bootLog = "/perm/probe/boots"

// countBoot appends one line to bootLog, durably, and returns how many
// lines it now has.
func countBoot() (int, error) {
	if err := os.MkdirAll("/perm/probe", 0o755); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(bootLog, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := f.WriteString("boot\n"); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	// The directory entry of a new file must be durable too.
	if d, err := os.Open("/perm/probe"); err == nil {
		d.Sync()
		d.Close()
	}
	b, err := os.ReadFile(bootLog)
	if err != nil {
		return 0, err
	}
	return bytes.Count(b, []byte("\n")), nil
}
