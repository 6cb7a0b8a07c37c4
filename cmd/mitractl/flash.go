package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/mitra-kiosk/mitra/gokrazy/flash"
)

// flashSystem is where flash reads the kernel's view of disks and mounts.
var flashSystem = flash.Host // for testing

// flashCmd writes an appliance image to a card after gokrazy/flash's
// checks, asking the technician to type the device name unless --yes.
// Exit 1 when refused, not confirmed or when the read-back differs.
func flashCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	image := fs.String("image", "", "the appliance image, build/mitra-amd64.img or build/mitra-rpi.img")
	device := fs.String("device", "", "the card's whole disk, e.g. /dev/sdb or /dev/mmcblk0 (see lsblk)")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	allowFile := fs.Bool("allow-file", false, "let a regular file stand in for the disk (tests, copies)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *image == "" || *device == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, "usage: mitractl flash --image build/mitra-amd64.img --device /dev/sdX [--yes]\n")
		return 2
	}
	img, err := flash.CheckImage(*image)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl flash: %v\n", err)
		return 1
	}
	d, err := flashSystem.Inspect(*device, img.Size, *allowFile)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl flash: %v\n", err)
		return 1
	}
	if !*yes && !confirmed(d, stdin, stderr) {
		fmt.Fprintln(stderr, "mitractl flash: not confirmed; nothing written")
		return 1
	}
	// Ctrl-C stops between buffers, so the message says how far it got.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(stdout, "writing %s (%s, %s) to %s\n", img.Path, mbytes(img.Size), img.Layout, d.Path)
	r, err := flash.Write(ctx, img, d, &flash.Options{Progress: stderr, IsTerminal: flash.IsTerminal(stderr)})
	if r.ReadBackSHA256 != "" {
		fmt.Fprintf(stdout, "wrote    %s in %s (%.1f MB/s)\n", mbytes(r.Bytes), r.WriteTime.Round(100*time.Millisecond), rate(r.Bytes, r.WriteTime))
		fmt.Fprintf(stdout, "verified in %s (%.1f MB/s, read back with %s)\n", r.VerifyTime.Round(100*time.Millisecond), rate(r.Bytes, r.VerifyTime), r.ReadBack)
		fmt.Fprintf(stdout, "image     sha256 %s\nread-back sha256 %s\n", r.ImageSHA256, r.ReadBackSHA256)
	}
	switch {
	case errors.Is(err, flash.ErrMismatch):
		fmt.Fprintf(stdout, "VERIFY FAILED: %s does not hold the image; the card is faulty or fake, or was pulled out. Use another card.\n", d.Path)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "mitractl flash: %v\n", err)
		return 1
	}
	if r.RereadErr != nil {
		fmt.Fprintf(stdout, "note: the kernel did not re-read the partition table (%v); replug the card to see its partitions\n", r.RereadErr)
	}
	fmt.Fprintf(stdout, "OK: %s matches the image; remove it and boot the kiosk from it\n", d.Path)
	return 0
}

// confirmed shows what will be erased and asks for the device's name: a
// "y" is typed by reflex, a name is read.
func confirmed(d flash.Disk, stdin io.Reader, stderr io.Writer) bool {
	what := d.Path
	if d.Model != "" || d.Size > 0 {
		what = fmt.Sprintf("%s (%s)", d.Path, strings.TrimSpace(d.Model+" "+mbytes(d.Size)))
	}
	fmt.Fprintf(stderr, "This ERASES everything on %s.\nType the device name (%s) to continue: ", what, d.Name)
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	answer := strings.TrimSpace(line)
	return answer != "" && (answer == d.Name || answer == d.Path)
}

func mbytes(n int64) string {
	if n >= 1e9 {
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds() / 1e6
}
