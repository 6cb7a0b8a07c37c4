// Command mitra-gateway runs the sandbox bill-payment gateway
// (services/sandbox) on its own, for demos and for testing a kiosk against a
// gateway in another process:
//
//	mitra-gateway -listen 127.0.0.1:8700 -data testdata/sandbox -state ./state/gateway
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mitra-kiosk/mitra/services/sandbox"
)

// shutdownGrace lets requests in flight finish on SIGTERM; payments are
// durable before any reply, so a cut-off request loses nothing.
const shutdownGrace = 5 * time.Second

func main() {
	listen := flag.String("listen", "127.0.0.1:8700", "address to serve the gateway API on")
	data := flag.String("data", "testdata/sandbox", "directory with billers.json and bills.json")
	state := flag.String("state", "./state/gateway", "directory for the payment ledger (payments.jsonl)")
	flag.Parse()

	g, err := sandbox.NewFromDir(*data, *state)
	if err != nil {
		log.Fatal(err)
	}
	if r := g.LoadReport; r != "" {
		log.Printf("ledger repaired: %s", r)
	}
	log.Printf("%d payments in the ledger", len(g.Payments()))

	srv := &http.Server{Addr: *listen, Handler: logRequests(log.Default(), g.Handler()), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	log.Printf("sandbox gateway on http://%s (data %s, state %s)", *listen, *data, *state)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	if err := g.Close(); err != nil {
		log.Fatal(err)
	}
}

// statusRecorder remembers the status a handler wrote, for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection, which the
// lost-reply fault hijacks.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs one line per request to l, once the handler is done.
func logRequests(l *log.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			status := "dropped" // hijacked or aborted: no reply was written
			if rec.status != 0 {
				status = http.StatusText(rec.status)
			}
			l.Printf("%s %s %s → %s (%v)", r.RemoteAddr, r.Method, r.URL.Path, status, time.Since(start).Round(time.Microsecond))
		}()
		h.ServeHTTP(rec, r)
	})
}
