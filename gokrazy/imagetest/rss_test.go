package imagetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/diag"
	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/qemu"
)

// BenchmarkKioskIdleRSS boots the real kiosk image (gokrazy/instance.toml)
// in QEMU and reads the kiosk's resident memory from its own technician
// report (`mitractl diag`, procfs in the guest) at the first frame and
// after MITRA_RSS_IDLE of idling on the attract screen (default 5m): the
// figure a 1 GB Pi has to fit. `make bench-rss` runs it; it is a benchmark,
// not a test, because it idles for minutes.
func BenchmarkKioskIdleRSS(b *testing.B) {
	requireTools(b)
	idle := 5 * time.Minute
	if s := os.Getenv("MITRA_RSS_IDLE"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatalf("MITRA_RSS_IDLE: %v", err)
		}
		idle = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), idle+10*time.Minute)
	defer cancel()
	mod := moduleDir(b)
	in, err := gokrazy.LoadInstance(filepath.Join(mod, "gokrazy/instance.toml"))
	if err != nil {
		b.Fatal(err)
	}
	// The report is served on the network only with a token.
	const token = "bench-rss"
	in.Kiosk["automation"] = map[string]any{"token": token}
	img := filepath.Join(b.TempDir(), "mitra-amd64.img")
	buildInstance(b, ctx, mod, in, img)
	port := freePort(b)
	vm := startVM(b, ctx, qemu.Config{Image: img, Dir: b.TempDir(), HostForward: []string{"tcp:127.0.0.1:" + port + "-:8079"}})
	boot := waitInit(b, ctx, vm)
	if _, _, err := boot.wait(ctx, KioskFirstFrame); err != nil {
		b.Fatal(err)
	}
	report := func() diag.Report {
		b.Helper()
		for {
			r, err := diag.Fetch(ctx, httpClient(), "127.0.0.1:"+port, token)
			if err == nil && r.Memory.KioskRSS > 0 {
				return r
			}
			select {
			case <-ctx.Done():
				b.Fatalf("diag report: %v (memory %+v)", err, r.Memory)
			case <-time.After(time.Second):
			}
		}
	}
	first := report()
	b.Logf("at the first frame: kiosk %d MiB resident; %d of %d MiB available", first.Memory.KioskRSS>>20, first.Memory.Available>>20, first.Memory.Total>>20)
	time.Sleep(idle)
	last := report()
	b.Logf("after %v idle: kiosk %d MiB resident; %d of %d MiB available", idle, last.Memory.KioskRSS>>20, last.Memory.Available>>20, last.Memory.Total>>20)
	fmt.Printf("bench-rss: kiosk RSS %.1f MiB at the first frame, %.1f MiB after %v idle (guest: %d MiB, %d MiB available)\n",
		float64(first.Memory.KioskRSS)/(1<<20), float64(last.Memory.KioskRSS)/(1<<20), idle, last.Memory.Total>>20, last.Memory.Available>>20)
	b.ReportMetric(float64(first.Memory.KioskRSS)/(1<<20), "MiB-rss-start")
	b.ReportMetric(float64(last.Memory.KioskRSS)/(1<<20), "MiB-rss-idle")
	b.ReportMetric(float64(last.Memory.Available)/(1<<20), "MiB-available")
}
