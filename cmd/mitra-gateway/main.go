// Command mitra-gateway runs the sandbox bill-payment gateway on its own, for
// demos and for testing a kiosk against a gateway in another process.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/mitra-kiosk/mitra/services/sandbox"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8700", "address to serve the gateway API on")
	data := flag.String("data", "testdata/sandbox", "directory with billers.json and bills.json")
	state := flag.String("state", "state/gateway", "directory for the payment ledger")
	flag.Parse()

	g, err := sandbox.NewFromDir(*data, *state)
	if err != nil {
		log.Fatal(err)
	}
	if g.LoadReport != "" {
		log.Printf("ledger: %s", g.LoadReport)
	}
	h := g.Handler()
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		log.Printf("%s %s (%v)", r.Method, r.URL.Path, time.Since(start).Round(time.Microsecond))
	})
	log.Printf("sandbox gateway on http://%s (data %s, ledger %s)", *listen, *data, *state)
	srv := &http.Server{Addr: *listen, Handler: logged, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
