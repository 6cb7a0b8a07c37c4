package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay/billpayhttp"
)

// reconcile compares a day of the journal with the gateway's report of the
// kiosk's payments. Exit 1 on a severe mismatch (money counted twice or
// missing), 0 otherwise; other mismatches are printed for a look.
func reconcile(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "state", "the kiosk's state directory")
	date := fs.String("date", "", "the day, YYYY-MM-DD (India Standard Time)")
	cfgPath := fs.String("config", "", "the kiosk's config file (kiosk id and gateway URL)")
	kiosk := fs.String("kiosk", "", "kiosk id (default: from --config)")
	gateway := fs.String("gateway", "", "gateway URL (default: from --config)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := config.Default()
	if *cfgPath != "" {
		c, err := config.Load(*cfgPath)
		if err != nil {
			fmt.Fprintf(stderr, "mitractl reconcile: %v\n", err)
			return 2
		}
		cfg = c
	}
	if *kiosk == "" {
		*kiosk = cfg.KioskID
	}
	if *gateway == "" {
		*gateway = cfg.Gateway.URL
	}
	if *date == "" || *gateway == "" {
		fmt.Fprint(stderr, "mitractl reconcile: --date YYYY-MM-DD and a gateway (--gateway URL or a --config naming one) are required\n")
		return 2
	}
	if _, err := os.Stat(filepath.Join(*state, "journal")); err != nil {
		fmt.Fprintf(stderr, "mitractl: no journal in %s\n", *state)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	report, err := billpayhttp.New(*gateway, nil).PaymentsReport(ctx, *kiosk, *date)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl reconcile: gateway report: %v\n", err)
		return 1
	}
	rec, err := engine.Reconcile(*state, *kiosk, *date, report)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl reconcile: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Reconciliation of kiosk %s for %s\n", rec.KioskID, rec.Date)
	fmt.Fprintf(stdout, "Agreed payments    %d, %s\n", rec.Matched, money.Format(rec.MatchedSum))
	severe := 0
	for _, m := range rec.Mismatches {
		fmt.Fprintln(stdout, m)
		if m.Severe {
			severe++
		}
	}
	if len(rec.Mismatches) == 0 {
		fmt.Fprintln(stdout, "Journal and gateway agree.")
	}
	if severe > 0 {
		fmt.Fprintf(stdout, "%d severe mismatch(es)\n", severe)
		return 1
	}
	return 0
}

// credits lists the credit slips still owed to citizens.
func credits(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("credits", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "state", "the kiosk's state directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	out, err := engine.OutstandingCreditsIn(*state)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl credits: %v\n", err)
		return 1
	}
	var sum money.Paise
	for _, c := range out {
		// The code is a bearer secret: only its serial half is shown.
		fmt.Fprintf(stdout, "%s  %-32s %12s  %s\n", c.Code[:6]+" ******", c.ID, money.Format(c.Amount), c.Reason)
		sum += c.Amount
	}
	fmt.Fprintf(stdout, "%d credit slip(s) outstanding, %s\n", len(out), money.Format(sum))
	return 0
}
