package ui

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
)

// State is the automation endpoint's GET /state answer.
type State struct {
	Screen    string   `json:"screen"`
	Lang      string   `json:"lang"`
	SessionID string   `json:"session_id"`
	TxnID     string   `json:"txn_id,omitempty"`
	TxnState  string   `json:"txn_state,omitempty"`
	Message   string   `json:"message,omitempty"`
	Labels    []string `json:"labels"`
	Frames    uint64   `json:"frames"`
	// Tiles are the buttons a finger can reach now, with their rectangles
	// in screen pixels: a test on another machine (the image in QEMU)
	// taps where this kiosk would.
	Tiles []TileState `json:"tiles"`
}

// TileState is one visible button.
type TileState struct {
	ID    string  `json:"id"`
	Label string  `json:"label"`
	X     float32 `json:"x"`
	Y     float32 `json:"y"`
	W     float32 `json:"w"`
	H     float32 `json:"h"`
}

// serveAutomation starts the automation/support endpoint. Without a token it
// refuses any address but loopback: the endpoint can press buttons and feed
// simulated notes, so on a network it must be authenticated.
func (a *app) serveAutomation(ctx context.Context, addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("ui: automation address %q: %w", addr, err)
	}
	if token == "" {
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("ui: automation on %s needs a token (automation.token in the config); without one only loopback is allowed", addr)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ui: automation: %w", err)
	}
	srv := &http.Server{Handler: a.automationHandler(token), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	if a.opts.OnAutomation != nil {
		a.opts.OnAutomation(ln.Addr().String())
	}
	return nil
}

func (a *app) automationHandler(token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /screen.png", func(w http.ResponseWriter, r *http.Request) {
		img := a.d.snapshot()
		if img == nil {
			http.Error(w, "no frame rendered yet", http.StatusServiceUnavailable)
			return
		}
		var buf bytes.Buffer
		png.Encode(&buf, img)
		w.Header().Set("Content-Type", "image/png")
		w.Write(buf.Bytes())
	})
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, a.state())
	})
	mux.HandleFunc("POST /tap", func(w http.ResponseWriter, r *http.Request) {
		x, errX := strconv.ParseFloat(r.URL.Query().Get("x"), 32)
		y, errY := strconv.ParseFloat(r.URL.Query().Get("y"), 32)
		sz := a.d.screen.Size()
		if errX != nil || errY != nil || x < 0 || y < 0 || x >= float64(sz.X) || y >= float64(sz.Y) {
			http.Error(w, fmt.Sprintf("tap needs x and y inside the %dx%d screen, e.g. /tap?x=640&y=400", sz.X, sz.Y), http.StatusBadRequest)
			return
		}
		a.touchedAt(float32(x), float32(y))
		a.tapAndWait(float32(x), float32(y))
		writeJSON(w, http.StatusOK, a.state())
	})
	mux.HandleFunc("POST /press", func(w http.ResponseWriter, r *http.Request) {
		label := strings.TrimSpace(r.URL.Query().Get("text"))
		if label == "" {
			http.Error(w, "press needs text=LABEL", http.StatusBadRequest)
			return
		}
		ref, ok := a.find(label)
		if !ok {
			http.Error(w, fmt.Sprintf("no visible button labelled %q on screen %q; visible: %s", label, a.state().Screen, strings.Join(a.state().Labels, " | ")), http.StatusNotFound)
			return
		}
		a.tapAndWait(ref.x+ref.w/2, ref.y+ref.h/2)
		writeJSON(w, http.StatusOK, a.state())
	})
	mux.HandleFunc("POST /type", func(w http.ResponseWriter, r *http.Request) {
		s := r.URL.Query().Get("text")
		if s == "" || len([]rune(s)) > 64 {
			http.Error(w, "type needs text of 1–64 characters", http.StatusBadRequest)
			return
		}
		var refs []tileRef
		for _, c := range s {
			ref, ok := a.find(string(c))
			if !ok {
				http.Error(w, fmt.Sprintf("no key for %q on the visible keypad", c), http.StatusUnprocessableEntity)
				return
			}
			refs = append(refs, ref)
		}
		for _, ref := range refs {
			a.tapAndWait(ref.x+ref.w/2, ref.y+ref.h/2)
		}
		writeJSON(w, http.StatusOK, a.state())
	})
	mux.HandleFunc("POST /sim/note", func(w http.ResponseWriter, r *http.Request) {
		v, err := money.Parse(r.URL.Query().Get("rupees"))
		if err != nil || v <= 0 {
			http.Error(w, "sim/note needs rupees=N, e.g. rupees=500", http.StatusBadRequest)
			return
		}
		if len(a.k.SimNoteValues()) == 0 {
			http.Error(w, "this kiosk has a real note acceptor", http.StatusNotFound)
			return
		}
		if !slices.Contains(a.k.SimNoteValues(), v) {
			http.Error(w, fmt.Sprintf("the simulated acceptor takes %v, not %s", a.k.SimNoteValues(), money.Format(v)), http.StatusBadRequest)
			return
		}
		// Wait for the engine's answer like a tap on the sim panel does.
		var waiting bool
		fyne.DoAndWait(func() {
			waiting = a.pay != nil && a.paySt.Phase == engine.PhaseInserting
			if waiting {
				a.expectPay()
			}
		})
		if !waiting {
			http.Error(w, "no payment is waiting for notes (open the cash screen first)", http.StatusConflict)
			return
		}
		if err := a.k.SimInsertNote(v); err != nil {
			fyne.DoAndWait(a.releasePay)
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		a.d.settle(settleTimeout)
		writeJSON(w, http.StatusOK, a.state())
	})
	mux.HandleFunc("POST /sim/fault", func(w http.ResponseWriter, r *http.Request) {
		if err := a.k.SimFault(r.URL.Query().Get("fault")); err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, engine.ErrNotSimulated) {
				status = http.StatusNotFound
			}
			http.Error(w, err.Error(), status)
			return
		}
		writeJSON(w, http.StatusOK, a.state())
	})
	if token == "" {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			http.Error(w, "automation: missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// find returns the visible tile whose label (in either language) is label.
func (a *app) find(label string) (tileRef, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	want := norm(label)
	for _, ref := range a.tiles {
		names := ref.t.names
		if len(names) == 0 {
			names = ref.t.lines
		}
		for _, n := range append(append([]string(nil), names...), strings.Join(ref.t.lines, " ")) {
			if norm(n) == want {
				return ref, true
			}
		}
	}
	return tileRef{}, false
}

// settleTimeout bounds how long a request waits for the UI to settle: a
// bill fetch may take the gateway's whole timeout.
const settleTimeout = 30 * time.Second

// tapAndWait taps through the input queue and returns once the tap, any
// work it started (a bill fetch, a payment action) and the resulting frame
// are done, so the caller's next /state sees the result of the tap.
func (a *app) tapAndWait(x, y float32) {
	a.d.tap(x, y)
	a.d.settle(settleTimeout)
}

func (a *app) state() State {
	snap := a.k.Snapshot()
	a.mu.Lock()
	defer a.mu.Unlock()
	var tiles []TileState
	for _, r := range a.tiles {
		tiles = append(tiles, TileState{ID: r.t.id, Label: strings.Join(r.t.lines, " "), X: r.x, Y: r.y, W: r.w, H: r.h})
	}
	return State{Screen: a.screen, Lang: string(a.shownLang), SessionID: snap.SessionID, TxnID: snap.TxnID,
		TxnState: snap.TxnState, Message: a.shownMsg, Labels: append([]string(nil), a.labels...), Frames: a.d.frameCount(),
		Tiles: tiles}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
