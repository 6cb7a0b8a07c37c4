package ui

import (
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/display/headless"
	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// The tests run the real UI — Fyne's embedded driver, the glue, the
// automation endpoint on a loopback port — over the headless framebuffer
// and a fake engine. (Only the tests import drivers/display/headless; the
// ui package itself does not.)

// defaultTestScreen is the screen size of tests that do not ask for one.
var defaultTestScreen = image.Pt(1280, 800)

// harness is one running UI.
type harness struct {
	t         *testing.T
	k         *fakekiosk.Kiosk
	screen    *headless.Screen
	input     chan InputEvent
	base      string
	token     string
	app       *app
	stop      context.CancelFunc
	done      chan error
	closeOnce sync.Once
}

type harnessOpts struct {
	lang  string
	token string
	size  image.Point
	// idle, warn and doneAfter default to an hour: tests that are not
	// about timeouts must not meet one.
	idle, warn, doneAfter time.Duration
	// attract keeps the attract screen the kiosk starts on; otherwise
	// start touches it, as every citizen does first.
	attract bool
	// pinHash configures the technician menu.
	pinHash string
	// voice, when set, speaks the prompts.
	voice Voice
	// usbUpdate is Options.UpdateFromUSB.
	usbUpdate func(context.Context) (string, error)
}

// start runs the UI until the test ends. Fyne keeps one current app per
// process, so tests using it do not run in parallel.
func start(t testing.TB, k *fakekiosk.Kiosk, o harnessOpts) *harness {
	t.Helper()
	for _, d := range []*time.Duration{&o.idle, &o.warn, &o.doneAfter} {
		if *d == 0 {
			*d = time.Hour
		}
	}
	if o.size == (image.Point{}) {
		o.size = defaultTestScreen
	}
	h := &harness{k: k, screen: headless.New(o.size.X, o.size.Y), input: make(chan InputEvent, 64), token: o.token, done: make(chan error, 1)}
	if tt, ok := t.(*testing.T); ok {
		h.t = tt
	}
	addr := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() {
		h.done <- run(ctx, Options{
			Kiosk: k, Screen: h.screen, Input: h.input, Lang: o.lang,
			AutomationAddr: "127.0.0.1:0", AutomationToken: o.token,
			IdleTimeout: o.idle, WarnFor: o.warn, DoneAfter: o.doneAfter, TechnicianPINHash: o.pinHash,
			GestureWindow: time.Minute, // the taps of a loaded test machine are slow
			Voice:         o.voice, VoiceOn: o.voice != nil, UpdateFromUSB: o.usbUpdate,
			OnAutomation: func(a string) { addr <- a },
			Log:          log.New(io.Discard, "", 0),
		}, func(a *app) { h.app = a })
	}()
	select {
	case a := <-addr:
		h.base = "http://" + a
	case err := <-h.done:
		t.Fatalf("Run: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the automation endpoint did not start within 20 s")
	}
	// The first frame comes from the driver's Run; wait for it.
	if !h.app.d.settle(20 * time.Second) {
		t.Fatal("the UI did not render its first frame within 20 s")
	}
	t.Cleanup(h.close)
	if !o.attract && h.t != nil && h.state().Screen == "attract" {
		h.press("Touch to start")
	}
	return h
}

func (h *harness) close() {
	h.closeOnce.Do(h.closeNow)
}

func (h *harness) closeNow() {
	h.stop()
	select {
	case err := <-h.done:
		if err != nil && h.t != nil {
			h.t.Errorf("Run returned %v", err)
		}
	case <-time.After(20 * time.Second):
		if h.t != nil {
			h.t.Error("Run did not return within 20 s of cancel")
		}
	}
}

// call sends an automation request and returns status and body.
func (h *harness) call(method, path string, q url.Values) (int, []byte) {
	u := h.base + path
	if q != nil {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// must sends a request that must succeed and returns the state it answers.
func (h *harness) must(method, path string, kv ...string) State {
	h.t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	code, body := h.call(method, path, q)
	if code != http.StatusOK {
		h.t.Fatalf("%s %s?%s = %d %s", method, path, q.Encode(), code, body)
	}
	var s State
	if err := json.Unmarshal(body, &s); err != nil {
		h.t.Fatalf("%s %s: %v in %s", method, path, err, body)
	}
	return s
}

func (h *harness) state() State { h.t.Helper(); return h.must("GET", "/state") }

func (h *harness) press(label string) State {
	h.t.Helper()
	return h.must("POST", "/press", "text", label)
}

// waitScreen polls /state until the screen is want (a payment finishes on
// the engine's goroutines after the request that started it).
func (h *harness) waitScreen(want string) State {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := h.state()
		if s.Screen == want {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("screen = %q (labels %q), want %q", s.Screen, s.Labels, want)
		}
		h.app.d.settle(time.Second)
	}
}

// hasLabel reports whether some visible text contains sub.
func hasLabel(s State, sub string) bool {
	for _, l := range s.Labels {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func (h *harness) wantLabel(s State, sub string) {
	h.t.Helper()
	if !hasLabel(s, sub) {
		h.t.Errorf("screen %q: no visible text contains %q; labels: %q", s.Screen, sub, s.Labels)
	}
}

// savePNG writes the current frame to path (for looking at it).
func (h *harness) savePNG(path string) {
	img, _ := h.screen.Frame()
	f, err := os.Create(path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		h.t.Fatal(err)
	}
}
