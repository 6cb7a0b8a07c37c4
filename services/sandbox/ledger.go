package sandbox

import (
	"errors"
	"fmt"
	"time"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
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
	// PollsLeft counts the status polls until a PENDING payment succeeds.
	PollsLeft int `json:"polls_left,omitempty"`
}

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

// ledger is the append-only payment file.
type ledger = jsonledger.Ledger[paymentRecord]

// openLedger loads <dir>/payments.jsonl (creating dir and file as needed),
// cuts off a torn tail, and opens the file for appending.
func openLedger(dir string) (*ledger, jsonledger.Contents[paymentRecord], error) {
	return jsonledger.Open[paymentRecord](jsonledger.Options{
		Dir: dir, File: LedgerFile, Owner: "sandbox", Restart: "the gateway",
		Repair: "repair that line from the kiosks' journals, or move the file aside after reconciling it",
	})
}

// archiveName is where a reset moves the ledger: payments-<UTC time>.jsonl.
func archiveName(now time.Time) string {
	return "payments-" + now.UTC().Format("20060102T150405.000000000Z") + ".jsonl"
}
