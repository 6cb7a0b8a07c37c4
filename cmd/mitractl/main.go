// Command mitractl is the technician's tool: version, the journal, receipts.
//
//	mitractl version
//	mitractl journal list --state DIR
//	mitractl journal check --state DIR   (exit 1 when a money invariant is violated)
//	mitractl settle --state DIR --date YYYY-MM-DD [--count RUPEES --operator NAME]
//	mitractl reconcile --state DIR --date YYYY-MM-DD [--config FILE | --kiosk ID --gateway URL]
//	mitractl credits --state DIR   (credit slips still owed)
//	mitractl pin-hash < PIN        (the config line for the technician PIN)
//	mitractl receipt render FILE.bin -o FILE.png
//	mitractl flash --image FILE --device /dev/sdX [--yes]   (write the appliance image to a card)
//	mitractl diag --target HOST:PORT | --state DIR   (exit 1: needs attention, 2: unreachable)
//	mitractl keygen [-key fleet.key -pub fleet.pub]
//	mitractl bundle -image IMG -key fleet.key -o OUT.bundle
//	mitractl update --image OUT.bundle --target HOST [--wait 5m]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/mitra-kiosk/mitra/appliance/buildinfo"
	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos"
)

const usage = `usage:
  mitractl version
  mitractl journal list --state DIR
  mitractl journal check --state DIR
  mitractl settle --state DIR --date YYYY-MM-DD [--count RUPEES --operator NAME]
  mitractl reconcile --state DIR --date YYYY-MM-DD [--config FILE | --kiosk ID --gateway URL]
  mitractl credits --state DIR
  mitractl pin-hash   (reads the technician PIN on standard input)
  mitractl receipt render FILE.bin -o FILE.png
  mitractl flash --image build/mitra-amd64.img --device /dev/sdX [--yes]
  mitractl diag --target HOST:PORT [--token T] [--json] | --state DIR
  mitractl keygen [-key fleet.key -pub fleet.pub]       (fleet signing key pair)
  mitractl bundle -image IMG -key fleet.key -o OUT      (sign a built image's root)
  mitractl update --image BUNDLE --target HOST [--wait 5m]
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch {
	case args[0] == "version":
		fmt.Fprintln(stdout, buildinfo.String())
		return 0
	case len(args) >= 2 && args[0] == "journal" && args[1] == "list":
		return journalList(args[2:], stdout, stderr)
	case len(args) >= 2 && args[0] == "journal" && args[1] == "check":
		return journalCheck(args[2:], stdout, stderr)
	case args[0] == "settle":
		return settle(args[1:], stdout, stderr)
	case args[0] == "reconcile":
		return reconcile(args[1:], stdout, stderr)
	case args[0] == "credits":
		return credits(args[1:], stdout, stderr)
	case args[0] == "pin-hash":
		return pinHash(os.Stdin, stdout, stderr)
	case args[0] == "diag":
		return diagCmd(args[1:], stdout, stderr)
	case args[0] == "flash":
		return flashCmd(args[1:], os.Stdin, stdout, stderr)
	case args[0] == "keygen":
		return keygen(args[1:], stdout, stderr)
	case args[0] == "bundle":
		return bundle(args[1:], stdout, stderr)
	case args[0] == "update":
		return pushUpdate(args[1:], stdout, stderr)
	case len(args) >= 2 && args[0] == "receipt" && args[1] == "render":
		return receiptRender(args[2:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "mitractl: unknown command %q\n%s", strings.Join(args, " "), usage)
	return 2
}

func journalList(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("journal list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "state", "the kiosk's state directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if _, err := os.Stat(filepath.Join(*state, "journal")); err != nil {
		fmt.Fprintf(stderr, "mitractl: no journal in %s (give the kiosk's state directory, e.g. --state /perm/mitra)\n", *state)
		return 1
	}
	txns, damage, err := engine.ListTransactions(*state)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl: %v\n", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TRANSACTION\tSTARTED (UTC)\tBILLER\tBILL\tDUE\tCASH IN\tCREDITED\tPAYMENT\tOUTCOME")
	for _, t := range txns {
		outcome := string(t.Phase)
		if outcome == "" {
			outcome = "OPEN"
		}
		if t.Problem != "" {
			outcome += " (" + string(t.Problem) + ")"
		}
		if len(t.Unresolved) > 0 {
			outcome += fmt.Sprintf(" [notes of unknown fate: %v]", t.Unresolved)
		}
		pay := string(t.PayStatus)
		if t.GatewayRef != "" {
			pay += " " + t.GatewayRef
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Started.Format("2006-01-02 15:04:05"), t.Biller, t.BillNumber,
			money.Format(t.Due), money.Format(t.Stacked), money.Format(t.Credited), dash(pay), outcome)
	}
	tw.Flush()
	for _, d := range damage {
		fmt.Fprintf(stdout, "journal damage: %s\n", d)
	}
	fmt.Fprintf(stdout, "%d transaction(s)\n", len(txns))
	return 0
}

func journalCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("journal check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "state", "the kiosk's state directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if _, err := os.Stat(filepath.Join(*state, "journal")); err != nil {
		fmt.Fprintf(stderr, "mitractl: no journal in %s\n", *state)
		return 1
	}
	v, attention, err := engine.Check(*state)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl: %v\n", err)
		return 1
	}
	for _, s := range attention {
		fmt.Fprintln(stdout, "ATTENTION:", s)
	}
	for _, s := range v {
		fmt.Fprintln(stdout, "VIOLATION:", s)
	}
	if len(v) > 0 {
		fmt.Fprintf(stdout, "%d violation(s)\n", len(v))
		return 1
	}
	fmt.Fprintln(stdout, "journal consistent: every rupee is paid through or credited")
	return 0
}

// settle prints a day's cash account: the notes the cashbox should hold by
// denomination, the payments, the credits, and any difference — and records
// the operator's count when --count is given. Exit 1 when it does not
// balance.
func settle(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("settle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "state", "the kiosk's state directory")
	date := fs.String("date", "", "the day to settle, YYYY-MM-DD (India Standard Time)")
	count := fs.String("count", "", "record the cashbox count in rupees (e.g. 13400)")
	operator := fs.String("operator", "", "who counted (with --count)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *date == "" {
		fmt.Fprint(stderr, "mitractl settle: --date YYYY-MM-DD is required\n")
		return 2
	}
	if _, err := os.Stat(filepath.Join(*state, "journal")); err != nil {
		fmt.Fprintf(stderr, "mitractl: no journal in %s\n", *state)
		return 1
	}
	if *count != "" {
		c, err := money.Parse(*count)
		if err != nil {
			fmt.Fprintf(stderr, "mitractl settle: --count: %v\n", err)
			return 2
		}
		if *operator == "" {
			fmt.Fprint(stderr, "mitractl settle: --operator NAME is required with --count\n")
			return 2
		}
		if err := engine.RecordCount(*state, *date, c, *operator); err != nil {
			fmt.Fprintf(stderr, "mitractl: %v\n", err)
			return 1
		}
	}
	s, err := engine.Settle(*state, *date)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Settlement for %s\n\nNotes expected in the cashbox:\n", s.Date)
	for _, v := range s.Denominations() {
		// fmt pads by runes, so the ₹ sign does not skew the columns.
		fmt.Fprintf(stdout, "  %7s × %3d = %10s\n", money.Format(v), s.Notes[v], money.Format(v*money.Paise(s.Notes[v])))
	}
	fmt.Fprintf(stdout, "\nCash in            %s\n", money.Format(s.CashIn))
	fmt.Fprintf(stdout, "Bills paid         %s (%d payment(s), user charges %s)\n", money.Format(s.Paid), s.Payments, money.Format(s.Charges))
	fmt.Fprintf(stdout, "Credits issued     %s (%d slip(s))\n", money.Format(s.Credits), s.CreditSlips)
	fmt.Fprintf(stdout, "Credits redeemed   %s (%d slip(s))\n", money.Format(s.Redeemed), s.RedeemedSlips)
	if s.Acknowledged > 0 {
		fmt.Fprintf(stdout, "Unconfirmed        %s (acknowledgement slips, payment pending upstream)\n", money.Format(s.Acknowledged))
	}
	if s.Unresolved > 0 {
		fmt.Fprintf(stdout, "Notes of unknown fate %s: check the cashbox\n", money.Format(s.Unresolved))
	}
	ok := s.Difference == 0
	fmt.Fprintf(stdout, "Difference         %s\n", money.Format(s.Difference))
	if s.Counted != nil {
		fmt.Fprintf(stdout, "Counted            %s (difference to cash in: %s)\n", money.Format(*s.Counted), money.Format(s.CountDifference))
		ok = ok && s.CountDifference == 0
	}
	if !ok {
		fmt.Fprintln(stdout, "DOES NOT BALANCE")
		return 1
	}
	fmt.Fprintln(stdout, "balanced")
	return 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func receiptRender(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("receipt render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "PNG file to write")
	// Accept the input before or after -o.
	var in string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		in, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if in == "" && fs.NArg() == 1 {
		in = fs.Arg(0)
	}
	if in == "" || *out == "" {
		fmt.Fprint(stderr, "usage: mitractl receipt render FILE.bin -o FILE.png\n")
		return 2
	}
	if err := escpos.RenderFile(in, *out); err != nil {
		fmt.Fprintf(stderr, "mitractl: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return 0
}
