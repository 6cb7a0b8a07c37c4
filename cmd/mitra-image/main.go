// Command mitra-image builds the Mitra appliance disk image:
//
//	mitra-image -arch amd64 -config gokrazy/instance.toml -o build/mitra-amd64.img
//	mitra-image -arch arm64 -config gokrazy/instance.toml -o build/mitra-rpi.img
//
// Run it from the module root (or pass -module). The time stamp of every
// file is $SOURCE_DATE_EPOCH, else the last commit's time.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"

	"github.com/mitra-kiosk/mitra/gokrazy"
)

func main() {
	arch := flag.String("arch", "amd64", "target architecture: amd64 (PC, UEFI) or arm64 (Raspberry Pi)")
	config := flag.String("config", "gokrazy/instance.toml", "instance configuration")
	out := flag.String("o", "", "image file to write (default build/mitra-amd64.img, or build/mitra-rpi.img for arm64)")
	module := flag.String("module", ".", "Mitra's module root")
	systemdBoot := flag.String("systemd-boot", gokrazy.DefaultSystemdBoot, "systemd-boot EFI binary (amd64)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("mitra-image: ")

	if *out == "" {
		*out = "build/mitra-amd64.img"
		if *arch == "arm64" {
			*out = "build/mitra-rpi.img"
		}
	}
	in, err := gokrazy.LoadInstance(*config)
	if err != nil {
		log.Fatal(err)
	}
	epoch, err := gokrazy.SourceDateEpoch(*module)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := gokrazy.Build(ctx, gokrazy.Options{
		Arch:        *arch,
		Instance:    in,
		ModuleDir:   *module,
		Output:      *out,
		Epoch:       epoch,
		SystemdBoot: *systemdBoot,
		Log:         os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d bytes, root SquashFS %d bytes, kernel %s@%s\nsha256 %s\ncmdline %q\n",
		*out, in.SizeBytes, res.RootBytes, res.KernelModule.Path, res.KernelModule.Version, res.SHA256, res.Cmdline)
}
