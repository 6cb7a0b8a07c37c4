// Command mitra-update is the kiosk's update service, supervised by
// gokrazy's init beside cmd/mitra (a separate program, so a broken kiosk
// cannot take the updater or the rollback down with it):
//
//   - at boot it judges the running root: a root on trial (its boot entry
//     still counts tries) is blessed once the kiosk reports healthy, or
//     rebooted through the boot loader -health-timeout after boot, so the loader
//     falls back to the previous root when the tries run out;
//   - it serves PUT /mitra/update (a bundle signed with the fleet key,
//     written to the inactive root) and GET /mitra/update/status on -listen.
//
// Without the fleet public key (-key, default /etc/mitra/fleet.pub) every
// update is refused. Markers go to /dev/console ("MITRA-UPDATE: …"), as
// supervised programs' output does not reach the serial console.
package main

import (
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/update"
)

func main() {
	listen := flag.String("listen", ":7080", "address of the update endpoint")
	keyFile := flag.String("key", update.DefaultPublicKeyFile, "fleet public key; without it updates are refused")
	tries := flag.Int("tries", update.DefaultTries, "boot counter of a newly installed root")
	healthFile := flag.String("health-file", update.DefaultHealthFile, "file the kiosk writes when its first frame is up")
	journal := flag.String("journal", "", "journal directory that must be readable for the kiosk to count as healthy")
	timeout := flag.Duration("health-timeout", 2*time.Minute, "how long after boot a root on trial has to become healthy before it reboots")
	flag.Parse()

	say := func(format string, args ...any) {
		line := fmt.Sprintf("MITRA-UPDATE: "+format, args...)
		log.Print(line)
		if c, err := os.OpenFile("/dev/console", os.O_WRONLY, 0); err == nil {
			fmt.Fprintln(c, line)
			c.Close()
		}
	}
	var pub ed25519.PublicKey
	if k, err := update.LoadPublicKey(*keyFile); err != nil {
		say("no fleet key, updates are refused: %v", err)
	} else {
		pub = k
		say("fleet key %s", update.KeyIDString(pub))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	in := &update.Installer{PublicKey: pub, Arch: runtime.GOARCH, Tries: *tries, Log: say}
	srv := &http.Server{Addr: *listen, Handler: update.Handler(in, update.RebootWithoutKexec, say), ReadHeaderTimeout: 30 * time.Second}
	go func() {
		say("listening on %s", *listen)
		if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			say("listen: %v", err)
		}
	}()
	agent := &update.Agent{HealthFile: *healthFile, Journal: *journal, Timeout: *timeout, Say: say}
	if _, err := agent.Run(ctx); err != nil {
		say("boot check: %v", err)
	}
	<-ctx.Done()
	srv.Close()
}
