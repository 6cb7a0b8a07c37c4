package ipp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
)

// step is one recorded exchange: the exact request body the driver sent
// (W) and the printer's response body (R).
type step struct{ W, R []byte }

// playback answers requests from a recording and fails on the first byte
// that differs from what was recorded (periph's i2ctest.Playback idea).
type playback struct {
	t     *testing.T
	steps []step
}

func (p *playback) Do(r *http.Request) (*http.Response, error) {
	p.t.Helper()
	got, err := io.ReadAll(r.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	if len(p.steps) == 0 {
		p.t.Fatalf("unexpected request:\n% x", got)
	}
	s := p.steps[0]
	p.steps = p.steps[1:]
	if !bytes.Equal(got, s.W) {
		i := 0
		for i < len(got) && i < len(s.W) && got[i] == s.W[i] {
			i++
		}
		p.t.Fatalf("request differs from the recording at byte %d:\ngot  % x\nwant % x", i, got, s.W)
	}
	if r.Header.Get("Content-Type") != ipp.ContentType {
		p.t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{"Content-Type": {ipp.ContentType}},
		Body: io.NopCloser(bytes.NewReader(s.R)), Request: r}, nil
}

func (p *playback) Close() {
	if len(p.steps) != 0 {
		p.t.Errorf("%d recorded exchanges not replayed", len(p.steps))
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStatusReplay replays Status against ippeveprinter, recorded byte for
// byte (testdata/README.md), so the wire format is checked where
// ippeveprinter is not installed.
func TestStatusReplay(t *testing.T) {
	p := &playback{t: t, steps: []step{{W: readFile(t, "testdata/status-request.ipp"), R: readFile(t, "testdata/status-response.ipp")}}}
	defer p.Close()
	dev, err := ipp.New(p, "ipp://localhost:18631/ipp/print", nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := dev.Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if want := (printer.Status{Online: true}); st != want {
		t.Errorf("Status() = %+v, want %+v", st, want)
	}
}
