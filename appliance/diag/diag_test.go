package diag

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/journal"
)

// fakeKiosk answers the technician report it is given.
type fakeKiosk struct {
	tr engine.TechnicianReport
	j  *journal.Journal
}

func (k *fakeKiosk) TechnicianReport(context.Context) engine.TechnicianReport { return k.tr }
func (k *fakeKiosk) Journal() *journal.Journal                                { return k.j }

// stateDir is a state directory whose journal holds a boot record and the
// start of a transaction that never finished.
func stateDir(t *testing.T) (string, *journal.Journal) {
	dir := t.TempDir()
	j, _, err := journal.Open(filepath.Join(dir, "journal"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for _, r := range []journal.Record{
		{Time: at, Type: "boot"},
		{Time: at.Add(time.Minute), Txn: "K1-20261204-0001", Type: "txn-begin", Body: []byte(`{"kind":"bill","due":50000}`)},
	} {
		if _, err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "uptime"), []byte("93784.52 180000.00\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "meminfo"), []byte("MemTotal:        1004856 kB\nMemFree:          612340 kB\nMemAvailable:     801234 kB\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "self"), 0o755)
	os.WriteFile(filepath.Join(dir, "self", "status"), []byte("Name:\tmitra\nVmPeak:\t 1302048 kB\nVmRSS:\t   70123 kB\nThreads:\t9\n"), 0o644)
	return dir, j
}

func TestSourceReport(t *testing.T) {
	dir, j := stateDir(t)
	b := &Board{}
	b.Set("display", Failed, "no /dev/fb0: retrying every 2 s")
	b.Set("UPS", Skipped, "not configured")
	k := &fakeKiosk{j: j, tr: engine.TechnicianReport{KioskID: "K1", Version: "mitra 1.2.3", Open: 1,
		Devices: []engine.DeviceReport{{Name: "bill gateway", OK: true, Detail: "12 billers"}, {Name: "receipt printer", Detail: "out of paper"},
			{Name: "note acceptor", OK: true, Detail: "7 note channels"}}}}
	src := &Source{Kiosk: k, Board: b, StateDir: dir, Started: time.Now().Add(-time.Hour), ProcDir: dir}
	r := src.Report(context.Background())
	var names []string
	for _, d := range r.Devices {
		names = append(names, d.Name+"="+string(d.State))
	}
	if got, want := strings.Join(names, " "), "display=failed note acceptor=ok receipt printer=failed UPS=skipped bill gateway=ok"; got != want {
		t.Errorf("Report().Devices = %s, want %s", got, want)
	}
	if got, want := r.SystemUptime, 93784520*time.Millisecond; got != want {
		t.Errorf("Report().SystemUptime = %v, want %v", got, want)
	}
	if jr := r.Journal; !jr.Open || jr.Records != 2 || jr.LastType != "txn-begin" || jr.OpenTxns != 1 {
		t.Errorf("Report().Journal = %+v; want open, 2 records, last begin, 1 open txn", jr)
	}
	if r.Space.Total == 0 || r.Space.Error != "" {
		t.Errorf("Report().Space = %+v", r.Space)
	}
	if want := (Memory{KioskRSS: 70123 << 10, Total: 1004856 << 10, Available: 801234 << 10}); r.Memory != want {
		t.Errorf("Report().Memory = %+v, want %+v", r.Memory, want)
	}
	a := strings.Join(r.Attention(), "\n")
	for _, want := range []string{"display: no /dev/fb0: retrying every 2 s", "receipt printer: out of paper", "1 transaction(s) not final"} {
		if !strings.Contains(a, want) {
			t.Errorf("Attention() = %q, want %q", a, want)
		}
	}
	var out bytes.Buffer
	r.WriteText(&out)
	text := strings.Join(strings.Fields(out.String()), " ") // the columns' widths are tabwriter's business
	for _, want := range []string{"Kiosk K1", "Kiosk uptime 1h 0m", "System uptime 1d 2h 3m", "display FAILED no /dev/fb0: retrying every 2 s (since ",
		"UPS skipped not configured", "Journal open, 2 record(s)", "Last record 2026-12-04 10:01:00 UTC (txn-begin, ", "Free space ",
		"Memory kiosk 71.8 MB resident; 820.5 MB of 1.0 GB available", "NEEDS ATTENTION (3):"} {
		if !strings.Contains(text, want) {
			t.Errorf("WriteText lacks %q:\n%s", want, out.String())
		}
	}
}

func TestAttentionHealthy(t *testing.T) {
	r := Report{From: "kiosk", Devices: []Device{{Name: "display", State: OK}, {Name: "UPS", State: Skipped}},
		Journal: Journal{Open: true, Records: 10}, Space: Space{Path: "/perm", Free: 900 << 20, Total: 1 << 30}}
	if a := r.Attention(); len(a) != 0 {
		t.Errorf("Attention() = %q, want none", a)
	}
	var out bytes.Buffer
	r.WriteText(&out)
	if !strings.HasSuffix(out.String(), "HEALTHY\n") {
		t.Errorf("WriteText = %q, want HEALTHY at the end", out.String())
	}
	for _, tt := range []struct {
		change func(*Report)
		want   string
	}{
		{func(r *Report) { r.Journal.Open = false }, "journal: not open"},
		{func(r *Report) { r.Space.Free = 50 << 20 }, "free space on /perm: only 52.4 MB of 1.1 GB left"},
		{func(r *Report) {
			r.Journal.Damage = []string{"journal-000001.log: 12 damaged bytes at offset 40 skipped"}
		}, "journal damage: "},
		{func(r *Report) { r.Journal.Unresolved = []string{"K1-20261204-0002: ₹500 of unknown fate"} }, "unknown fate"},
		{func(r *Report) { r.Journal.ReceiptsOwed = 2 }, "2 receipt(s)"},
		{func(r *Report) { r.Memory = Memory{KioskRSS: 300e6, Total: 1e9, Available: 60e6} }, "memory: only 60.0 MB of 1.0 GB available (the kiosk uses 300.0 MB)"},
	} {
		r2 := r
		r2.Journal.Damage = nil
		tt.change(&r2)
		if a := strings.Join(r2.Attention(), "\n"); !strings.Contains(a, tt.want) {
			t.Errorf("Attention() = %q, want %q", a, tt.want)
		}
	}
}

func TestBoardKeepsSince(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	b := &Board{now: func() time.Time { now = now.Add(2 * time.Second); return now }}
	b.Set("display", Failed, "no /dev/fb0")
	first := b.Devices()[0].Since
	b.Set("display", Failed, "no /dev/fb0")
	if got := b.Devices()[0].Since; !got.Equal(first) {
		t.Errorf("Since after a repeated failure = %v, want %v (when it first failed)", got, first)
	}
	b.Set("display", OK, "1280x800")
	if got := b.Devices()[0]; got.State != OK || !got.Since.After(first) {
		t.Errorf("after recovery: %+v", got)
	}
}

func TestBoardWatch(t *testing.T) {
	b := &Board{}
	devs := []string{}
	b.Watch("touch", func() (State, string) {
		if len(devs) == 0 {
			return Failed, "no touch device"
		}
		return OK, strings.Join(devs, ", ")
	})
	if got := b.Devices()[0]; got.State != Failed {
		t.Errorf("touch without devices = %+v", got)
	}
	devs = append(devs, "/dev/input/event3")
	if got := b.Devices()[0]; got.State != OK || got.Detail != "/dev/input/event3" {
		t.Errorf("touch after a panel appeared = %+v", got)
	}
}

func TestFromState(t *testing.T) {
	dir, _ := stateDir(t)
	r, err := FromState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.From != "state" || r.Journal.Records != 2 || r.Journal.OpenTxns != 1 || r.Journal.Open {
		t.Errorf("FromState = %+v", r)
	}
	if _, err := FromState(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no journal") {
		t.Errorf("FromState(empty) = %v, want no journal", err)
	}
}

func TestHandlerAndFetch(t *testing.T) {
	dir, j := stateDir(t)
	src := &Source{Kiosk: &fakeKiosk{j: j, tr: engine.TechnicianReport{KioskID: "K1", Version: "mitra 1.2.3"}}, StateDir: dir}
	srv := httptest.NewServer(Handler(src, "s3cret"))
	defer srv.Close()
	ctx := context.Background()
	r, err := Fetch(ctx, srv.Client(), srv.URL, "s3cret")
	if err != nil || r.KioskID != "K1" || r.Journal.Records != 2 {
		t.Errorf("Fetch = %+v, %v", r, err)
	}
	if _, err := Fetch(ctx, srv.Client(), strings.TrimPrefix(srv.URL, "http://"), "wrong"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Fetch with a wrong token = %v, want 401", err)
	}
	resp, err := http.Post(srv.URL+Path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST %s = %d, want 405: the endpoint is read-only", Path, resp.StatusCode)
	}
}

func TestServeNeedsTokenOffLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Serve(ctx, "0.0.0.0:0", "", &Source{}); err == nil || !strings.Contains(err.Error(), "needs a token") {
		t.Errorf("Serve(0.0.0.0) without a token = %v, want a refusal", err)
	}
	dir, j := stateDir(t)
	addr, err := Serve(ctx, "127.0.0.1:0", "", &Source{Kiosk: &fakeKiosk{j: j}, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Fetch(ctx, http.DefaultClient, addr.String(), ""); err != nil {
		t.Errorf("Fetch from Serve = %v", err)
	}
}

func TestProcKB(t *testing.T) {
	status := []byte("Name:\tmitra\nVmRSS:\t   70123 kB\nVmSwap:\t0 kB\nThreads:\t9\nHugetlbPages:\tx kB\n")
	for _, tt := range []struct {
		key  string
		want uint64
	}{
		{"VmRSS", 70123 << 10},
		{"VmSwap", 0},
		{"Threads", 9}, // no unit: a count
		{"HugetlbPages", 0},
		{"VmPeak", 0}, // missing
		{"Name", 0},   // not a number
	} {
		if got := procKB(status, tt.key); got != tt.want {
			t.Errorf("procKB(%s) = %d, want %d", tt.key, got, tt.want)
		}
	}
	if m := readMemory(t.TempDir()); m.Error == "" || m.text() == "" {
		t.Errorf("readMemory(empty dir) = %+v, want an error to show", m)
	}
}

// FuzzProcKB reads arbitrary procfs-like files without panicking, and never
// reports more than the file could say.
func FuzzProcKB(f *testing.F) {
	f.Add([]byte("VmRSS:\t   70123 kB\n"), "VmRSS")
	f.Add([]byte("MemAvailable: 18446744073709551615 kB\n"), "MemAvailable")
	f.Fuzz(func(t *testing.T, file []byte, key string) {
		if n := procKB(file, key); n > 1<<60 {
			t.Fatalf("procKB = %d", n)
		}
	})
}
