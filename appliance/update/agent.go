package update

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// DefaultHealthFile is written by cmd/mitra once its first frame is on the
// screen, which is after the engine opened and recovered the journal. It
// is on /run, a tmpfs: every boot starts without it.
const DefaultHealthFile = "/run/mitra/healthy"

// Agent judges the root it runs from at boot: a root on trial is blessed
// once healthy, or rebooted (so the loader's counter runs down) when it is
// not healthy in time.
type Agent struct {
	System System // zero: DefaultSystem
	// Boot mounts the boot partition; nil means MountBoot.
	Boot func(dev string) (string, func() error, error)
	// Healthy reports whether the kiosk is up; nil checks HealthFile.
	Healthy func() bool
	// HealthFile is checked when Healthy is nil; empty: DefaultHealthFile.
	HealthFile string
	// Journal, when set, must be readable for the kiosk to count as
	// healthy (a directory listing).
	Journal string
	// Timeout is how long a root on trial has to become healthy, counted
	// from boot (not from this program's start: gokrazy restarts a crashing
	// updater every second, which must not restart the deadline too).
	Timeout time.Duration
	// Uptime is the time since boot; nil reads CLOCK_BOOTTIME.
	Uptime func() time.Duration
	// Reboot restarts the machine through the loader; nil means
	// RebootWithoutKexec.
	Reboot func() error
	// Say reports on the console.
	Say func(format string, args ...any)
	// Poll is the health check interval; 0 means 500 ms.
	Poll time.Duration
}

// Outcome is what Run decided.
type Outcome int

const (
	Committed Outcome = iota // the running root was already blessed
	Blessed                  // on trial and healthy: now permanent
	Rebooting                // on trial and not healthy in time
)

// Run checks the running root's entry and acts on it; see Agent.
func (a *Agent) Run(ctx context.Context) (Outcome, error) {
	say := a.Say
	if say == nil {
		say = func(string, ...any) {}
	}
	sys := a.System
	if sys.Cmdline == "" {
		sys = DefaultSystem
	}
	disk, err := sys.FindDisk()
	if err != nil {
		return Committed, err
	}
	slot := Slot(disk.Active)
	var es []Entry
	err = withBoot(a.Boot, disk.Boot, func(boot string) (err error) {
		es, err = ReadEntries(boot)
		return err
	})
	if err != nil {
		return Committed, err
	}
	cur, ok := SlotEntry(es, slot)
	if !ok {
		return Committed, fmt.Errorf("update: agent: running root %s has no boot entry (entries: %s)", strings.ToUpper(slot), names(es))
	}
	say("running root %s, entry %s (version %d)", strings.ToUpper(slot), cur.Name, cur.Version)
	if other, ok := SlotEntry(es, Slot(disk.Inactive)); ok && other.Bad() && other.Version > cur.Version {
		say("rolled back: root %s (%s) did not become healthy in %d boots; running root %s", strings.ToUpper(other.Slot), other.Name, other.Done, strings.ToUpper(slot))
	}
	if !cur.Counted {
		return Committed, nil
	}
	uptime := a.Uptime
	if uptime == nil {
		uptime = bootTime
	}
	wait := max(a.timeout()-uptime(), 0)
	say("root %s on trial: boot %d, %d more tries; waiting up to %v for the kiosk to be healthy", strings.ToUpper(slot), cur.Done, cur.Left, wait.Round(time.Second))
	begin := time.Now()
	if a.waitHealthy(ctx, wait) {
		var e Entry
		err := withBoot(a.Boot, disk.Boot, func(boot string) (err error) {
			e, err = Bless(boot, slot)
			return err
		})
		if err != nil {
			return Committed, err
		}
		say("blessed root %s after %v: entry %s", strings.ToUpper(slot), time.Since(begin).Round(10*time.Millisecond), e.Name)
		return Blessed, nil
	}
	if ctx.Err() != nil {
		return Committed, ctx.Err()
	}
	say("root %s not healthy %v after boot (%d tries left): rebooting through the boot loader", strings.ToUpper(slot), a.timeout(), cur.Left)
	reboot := a.Reboot
	if reboot == nil {
		reboot = RebootWithoutKexec
	}
	return Rebooting, reboot()
}

func (a *Agent) timeout() time.Duration {
	if a.Timeout <= 0 {
		return 2 * time.Minute
	}
	return a.Timeout
}

func (a *Agent) waitHealthy(ctx context.Context, wait time.Duration) bool {
	healthy := a.Healthy
	if healthy == nil {
		file := a.HealthFile
		if file == "" {
			file = DefaultHealthFile
		}
		healthy = func() bool {
			if _, err := os.Stat(file); err != nil {
				return false
			}
			if a.Journal != "" {
				if _, err := os.ReadDir(a.Journal); err != nil {
					return false
				}
			}
			return true
		}
	}
	poll := a.Poll
	if poll == 0 {
		poll = 500 * time.Millisecond
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		if healthy() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-deadline.C:
			return healthy()
		case <-tick.C:
		}
	}
}

// gokrazySocket is gokrazy's local HTTP API: no password, root only.
const gokrazySocket = "/run/gokrazy-http.sock"

// RebootWithoutKexec asks gokrazy's init to stop all services, unmount
// /perm and reboot through the firmware. kexec=off matters: gokrazy's
// default reboot kexecs the kernel with cmdline.txt, which skips
// systemd-boot and with it the boot counter.
func RebootWithoutKexec() error {
	c := &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", gokrazySocket)
		}},
		Timeout: 30 * time.Second,
	}
	// wait_per_signal bounds how long init waits for each service
	// (including this one) after SIGTERM and SIGKILL.
	resp, err := c.Post("http://gokrazy/reboot?kexec=off&wait_per_signal=3s", "", nil)
	if err != nil {
		// This program is one of the services init kills before it
		// answers; a cut connection is the expected outcome.
		return fmt.Errorf("update: reboot: %w", err)
	}
	resp.Body.Close()
	return nil
}
