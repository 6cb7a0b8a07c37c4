// Command mitra is the kiosk program: it reads the configuration, opens the
// devices (or their simulators), starts the built-in sandbox gateway when no
// gateway is configured, recovers the journal, and runs the touchscreen UI.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/mitra-kiosk/mitra/appliance/buildinfo"
	"github.com/mitra-kiosk/mitra/appliance/config"
)

func main() {
	var f flags
	flag.StringVar(&f.config, "config", "", "TOML configuration file (defaults are used without one)")
	flag.StringVar(&f.state, "state", defaultStateDir, "directory for the journal, gateway store and simulator output")
	flag.BoolVar(&f.sim, "sim", false, "simulate every device")
	flag.BoolVar(&f.headless, "headless", false, "no window: an in-memory framebuffer (use with -automation)")
	flag.StringVar(&f.display, "display", "", "display backend: x11, headless or fbdev (the appliance's /dev/fb0 and evdev touch; default x11)")
	flag.StringVar(&f.automation, "automation", "", "serve the automation/support endpoint on ADDR (loopback unless a token is configured)")
	flag.BoolVar(&f.fullscreen, "fullscreen", false, "full-screen window (x11)")
	flag.StringVar(&f.diag, "diag", "", "serve the read-only health report GET /v1/diag on ADDR for `mitractl diag` (loopback unless a token is configured)")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println(buildinfo.String())
		return
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, f); err != nil {
		log.Fatal(err)
	}
}

type flags struct {
	config, state, display, automation, diag string
	sim, headless, fullscreen                bool
}
