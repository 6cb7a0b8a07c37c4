package sandbox

import (
	"errors"
	"fmt"
	"time"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
	"github.com/mitra-kiosk/mitra/services/internal/recordbook"
)

// LedgerFile is the payment ledger's name in the state directory: one JSON
// paymentRecord per line, appended and fsync'd before each reply. A key can
// have several lines (PENDING, later SUCCESS); the last one is current.
const LedgerFile = "payments.jsonl"

// paymentRecord is one ledger line: the payment as the kiosk sees it plus
// what the gateway keeps for itself and for reconciliation.
type paymentRecord struct {
	billpay.Payment
	FetchRef string `json:"fetch_ref"`
	Mode     string `json:"mode"`
	Channel  string `json:"channel"`
	KioskID  string `json:"kiosk_id"`
	// Countdown counts the status polls until a PENDING payment succeeds.
	recordbook.Countdown
}

// Key is the payment's idempotency key.
func (r paymentRecord) Key() string { return r.IdempotencyKey }

// Pending reports whether the payment waits for its outcome.
func (r *paymentRecord) Pending() bool { return r.Status == billpay.Pending }

// Check rejects lines that decode as JSON but cannot be a payment the
// gateway wrote.
func (r paymentRecord) Check() error {
	switch {
	case r.IdempotencyKey == "":
		return errors.New("no idempotency_key")
	case r.Status != billpay.Success && r.Status != billpay.Failure && r.Status != billpay.Pending:
		return fmt.Errorf("status %q", r.Status)
	case r.Amount <= 0:
		return fmt.Errorf("amount %d", r.Amount)
	case r.BillerID == "" || r.CustomerRef == "" || r.BillNumber == "":
		return errors.New("biller_id, customer_ref and bill_number are required")
	}
	return nil
}

// ledgerOptions names the payment ledger in dir and how its errors speak.
func ledgerOptions(dir string) jsonledger.Options {
	return jsonledger.Options{
		Dir: dir, File: LedgerFile, Owner: "sandbox", Restart: "the gateway",
		Repair: "repair that line from the kiosks' journals, or move the file aside after reconciling it",
	}
}

// archiveName is where a reset moves the ledger: payments-<UTC time>.jsonl.
func archiveName(now time.Time) string {
	return "payments-" + now.UTC().Format("20060102T150405.000000000Z") + ".jsonl"
}
