// Command mitra-qemu boots a Mitra disk image in QEMU (UEFI via OVMF, TCG)
// for `make qemu`:
//
//	mitra-qemu -image build/mitra-amd64.img
//
// The serial console is copied to stdout, with the time since QEMU started
// in front of the kernel-ready and first-frame markers. A window shows the
// kiosk when $DISPLAY is set (-display=false for none). /perm persists in
// the image unless -snapshot is given. The QEMU command line is printed
// first, for running it by hand.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/mitra-kiosk/mitra/gokrazy/imagetest"
	"github.com/mitra-kiosk/mitra/gokrazy/qemu"
)

func main() {
	image := flag.String("image", "build/mitra-amd64.img", "disk image")
	display := flag.Bool("display", os.Getenv("DISPLAY") != "", "show the screen in a window")
	snapshot := flag.Bool("snapshot", false, "discard the guest's writes (fresh /perm every boot)")
	dir := flag.String("dir", "build/qemu", "directory for the serial log, QMP socket and OVMF variables")
	firstFrame := flag.String("marker", imagetest.KioskFirstFrame, "serial console text that marks the kiosk's first frame")
	exitAfter := flag.Bool("exit-after-marker", false, "quit once the marker was seen (smoke test)")
	timeout := flag.Duration("timeout", 5*time.Minute, "with -exit-after-marker: give up after this long")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("mitra-qemu: ")

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	cfg := qemu.Config{Image: *image, Dir: abs, Display: *display, Snapshot: *snapshot, Stdout: os.Stderr}
	fmt.Fprintf(os.Stderr, "%s %s\n", qemu.Binary, strings.Join(qemu.Args(cfg, filepath.Join(abs, "OVMF_VARS.fd")), " "))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	vm, err := qemu.Start(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		<-ctx.Done()
		vm.Quit()
	}()
	go follow(vm)
	wctx := ctx
	if *exitAfter {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	if at, _, err := vm.WaitSerial(wctx, imagetest.InitMarker); err == nil {
		fmt.Fprintf(os.Stderr, "mitra-qemu: boot to kernel ready: %v\n", at.Round(10*time.Millisecond))
	} else if *exitAfter {
		vm.Kill()
		log.Fatal(err)
	}
	if at, line, err := vm.WaitSerial(wctx, *firstFrame); err == nil {
		fmt.Fprintf(os.Stderr, "mitra-qemu: boot to first frame: %v (%s)\n", at.Round(10*time.Millisecond), line)
	} else if *exitAfter {
		vm.Kill()
		log.Fatal(err)
	}
	if *exitAfter {
		vm.Quit()
		return
	}
	if err := vm.Wait(); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// follow copies the serial log to stdout as it grows.
func follow(vm *qemu.VM) {
	var shown int
	for {
		s := vm.SerialLog()
		if len(s) > shown {
			os.Stdout.WriteString(s[shown:])
			shown = len(s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
