package main

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/diag"
	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/journal"
)

type diagKiosk struct {
	tr engine.TechnicianReport
	j  *journal.Journal
}

func (k *diagKiosk) TechnicianReport(context.Context) engine.TechnicianReport { return k.tr }
func (k *diagKiosk) Journal() *journal.Journal                                { return k.j }

func TestDiag(t *testing.T) {
	dir := t.TempDir()
	j, _, err := journal.Open(filepath.Join(dir, "journal"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	j.Append(journal.Record{Time: time.Now().UTC(), Type: "boot"})
	k := &diagKiosk{j: j, tr: engine.TechnicianReport{KioskID: "RJ-JPR-0042", Version: "mitra 1.4.0",
		Devices: []engine.DeviceReport{{Name: "note acceptor", OK: true, Detail: "7 note channels"}}}}
	board := &diag.Board{}
	board.Set("display", diag.OK, "/dev/fb0 1280x800")
	srv := httptest.NewServer(diag.Handler(&diag.Source{Kiosk: k, Board: board, StateDir: dir, Started: time.Now()}, "tok"))
	defer srv.Close()
	target := strings.TrimPrefix(srv.URL, "http://")

	var out, errb bytes.Buffer
	if code := run([]string{"diag", "--target", target, "--token", "tok"}, &out, &errb); code != 0 {
		t.Errorf("diag of a healthy kiosk = %d: %s %s", code, out.String(), errb.String())
	}
	for _, want := range []string{"RJ-JPR-0042", "mitra 1.4.0", "display", "/dev/fb0 1280x800", "note acceptor", "Journal", "open, 1 record(s)", "Free space", "HEALTHY"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diag output lacks %q:\n%s", want, out.String())
		}
	}

	board.Set("display", diag.Failed, "no /dev/fb0: retrying every 2s")
	out.Reset()
	if code := run([]string{"diag", "--target", target, "--token", "tok"}, &out, &errb); code != 1 || !strings.Contains(out.String(), "NEEDS ATTENTION (1):\n  - display: no /dev/fb0: retrying every 2s") {
		t.Errorf("diag with no screen = %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"diag", "--target", target, "--token", "tok", "--json"}, &out, &errb); code != 1 || !strings.Contains(out.String(), `"state": "failed"`) {
		t.Errorf("diag --json = %d:\n%s", code, out.String())
	}

	errb.Reset()
	if code := run([]string{"diag", "--target", target, "--token", "wrong"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "401") {
		t.Errorf("diag with a wrong token = %d, %q; want 2", code, errb.String())
	}
	// A port nobody listens on: take one and close it.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	errb.Reset()
	if code := run([]string{"diag", "--target", dead, "--timeout", "2s"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "mitractl diag: ") {
		t.Errorf("diag of an unreachable kiosk = %d, %q; want 2", code, errb.String())
	}

	out.Reset()
	if code := run([]string{"diag", "--state", dir}, &out, &errb); code != 0 || !strings.Contains(out.String(), "read from the state directory, 1 record(s)") {
		t.Errorf("diag --state = %d:\n%s%s", code, out.String(), errb.String())
	}
	for _, args := range [][]string{{"diag"}, {"diag", "--state", dir, "--target", target}} {
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}
