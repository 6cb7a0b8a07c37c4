package diag

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Path is the endpoint's path.
const Path = "/v1/diag"

// Handler serves GET /v1/diag from src. A non-empty token is required as a
// Bearer token.
func Handler(src *Source, token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path, func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				http.Error(w, "diag: missing or wrong bearer token (automation.token in the kiosk's config)", http.StatusUnauthorized)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(src.Report(r.Context()))
	})
	return mux
}

// Serve listens on addr and serves Handler until ctx ends; it returns the
// address it listens on. Without a token only loopback is allowed: the
// report names the kiosk and its money state, so on a network it must be
// authenticated, as the automation endpoint is.
func Serve(ctx context.Context, addr, token string, src *Source) (net.Addr, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("diag: address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); token == "" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("diag: serving on %s needs a token (automation.token in the config); without one only loopback is allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("diag: %w", err)
	}
	srv := &http.Server{Handler: Handler(src, token), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	return ln.Addr(), nil
}

// Fetch gets a kiosk's Report from target, "HOST:PORT" or a URL.
func Fetch(ctx context.Context, hc *http.Client, target, token string) (Report, error) {
	url := target
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	url = strings.TrimSuffix(url, "/") + Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Report{}, fmt.Errorf("diag: %w", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Report{}, fmt.Errorf("diag: %w (is the laptop on the kiosk's network, and the kiosk started with -diag?)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return Report{}, fmt.Errorf("diag: %s: %s: %s", url, resp.Status, strings.TrimSpace(string(msg)))
	}
	var r Report
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return Report{}, fmt.Errorf("diag: %s: %w", url, err)
	}
	return r, nil
}
