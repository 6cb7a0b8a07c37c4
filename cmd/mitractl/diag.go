package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/diag"
)

// diagCmd prints a kiosk's health report, from its GET /v1/diag (a kiosk
// started with -diag) or from a state directory. Exit 0 when healthy, 1
// when something needs attention, 2 when the kiosk cannot be reached.
func diagCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("target", "", "the kiosk's diag endpoint, HOST:PORT (its -diag address)")
	state := fs.String("state", "", "read a state directory instead, e.g. /perm/mitra or a copy of it")
	token := fs.String("token", os.Getenv("MITRA_TOKEN"), "the kiosk's automation.token (default $MITRA_TOKEN)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 20*time.Second, "how long to wait for the kiosk (its device checks take up to a few seconds each)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*target == "") == (*state == "") || fs.NArg() > 0 {
		fmt.Fprint(stderr, "usage: mitractl diag --target HOST:PORT | --state DIR\n")
		return 2
	}
	var (
		r   diag.Report
		err error
	)
	if *target != "" {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		r, err = diag.Fetch(ctx, &http.Client{}, *target, *token)
	} else {
		r, err = diag.FromState(*state)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mitractl diag: %v\n", err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		r.WriteText(stdout)
	}
	if len(r.Attention()) > 0 {
		return 1
	}
	return 0
}
