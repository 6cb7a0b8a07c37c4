package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/diag"
)

var diagLine = regexp.MustCompile(`diag on http://([0-9.:]+)/v1/diag`)

// startForDiag runs the kiosk binary on simulated devices with -diag and
// returns the endpoint's address once it listens; it does not wait for
// the screen, which may never come.
func startForDiag(t *testing.T, args ...string) string {
	t.Helper()
	repo, _ := filepath.Abs("../..")
	cfg := filepath.Join(t.TempDir(), "mitra.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("language = \"en\"\n[gateway]\nsandbox_data = %q\ndocuments_data = %q\nstatus_data = %q\npension_data = %q\n",
		filepath.Join(repo, "testdata/sandbox"), filepath.Join(repo, "testdata/documents"), filepath.Join(repo, "testdata/status"), filepath.Join(repo, "testdata/pension"))), 0o644)
	cmd := exec.Command(kioskBin, append([]string{"-sim", "-state", t.TempDir(), "-config", cfg, "-diag", "127.0.0.1:0"}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := diagLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatal("kiosk exited before serving diag")
		}
		return a
	case <-time.After(60 * time.Second):
		t.Fatal("no diag endpoint within 60 s")
	}
	return ""
}

// fetchUntil polls the running kiosk's report until ok accepts it: the
// display state is recorded once the UI has opened it.
func fetchUntil(t *testing.T, addr string, ok func(diag.Report) bool) diag.Report {
	t.Helper()
	var r diag.Report
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if r, err = diag.Fetch(context.Background(), http.DefaultClient, addr, ""); err == nil && ok(r) {
			return r
		}
	}
	t.Fatalf("diag report never as expected: %+v, %v", r, err)
	return r
}

func device(r diag.Report, name string) diag.Device {
	for _, d := range r.Devices {
		if d.Name == name {
			return d
		}
	}
	return diag.Device{}
}

func TestDiagEndpoint(t *testing.T) {
	addr := startForDiag(t, "-headless")
	r := fetchUntil(t, addr, func(r diag.Report) bool { return device(r, "display").State == diag.OK })
	for name, want := range map[string]diag.State{"display": diag.OK, "note acceptor": diag.OK, "receipt printer": diag.OK, "UPS": diag.Skipped, "bill gateway": diag.OK} {
		if got := device(r, name).State; got != want {
			t.Errorf("device %q = %q, want %q (%+v)", name, got, want, r.Devices)
		}
	}
	if !r.Journal.Open || r.Version == "" || r.Started.IsZero() || r.Space.Total == 0 {
		t.Errorf("report = %+v", r)
	}
	if a := r.Attention(); len(a) != 0 {
		t.Errorf("a fresh simulated kiosk needs attention: %q", a)
	}
}

// TestDiagNoScreen starts the kiosk on the framebuffer where there is none:
// the UI waits for /dev/fb0, and the report says so.
func TestDiagNoScreen(t *testing.T) {
	if _, err := os.Stat("/dev/fb0"); err == nil {
		t.Skip("this machine has a /dev/fb0")
	}
	addr := startForDiag(t, "-display", "fbdev")
	r := fetchUntil(t, addr, func(r diag.Report) bool { return device(r, "display").State == diag.Failed })
	if d := device(r, "display"); !strings.Contains(d.Detail, "/dev/fb0") || !strings.Contains(d.Detail, "retrying every 2s") {
		t.Errorf("display = %+v, want the /dev/fb0 reason and the retry", d)
	}
	if !r.Journal.Open {
		t.Errorf("journal not open while waiting for the screen: %+v", r.Journal)
	}
}
