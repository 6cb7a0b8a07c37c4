package docsandbox

import (
	"errors"
	"fmt"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
	"github.com/mitra-kiosk/mitra/services/internal/recordbook"
)

// LedgerFile is the order ledger's name in the state directory: one JSON
// orderRecord per line, appended and fsync'd before each reply. A key can
// have several lines (PENDING, later SUCCESS); the last one is current.
const LedgerFile = "orders.jsonl"

// orderRecord is one ledger line: the order as the kiosk sees it plus what
// the back-end keeps for itself.
type orderRecord struct {
	documents.Order
	Kind    documents.Kind `json:"kind"`
	KioskID string         `json:"kiosk_id"`
	// Countdown counts the status polls until a PENDING order succeeds.
	recordbook.Countdown
}

// Key is the order's idempotency key.
func (r orderRecord) Key() string { return r.IdempotencyKey }

// Pending reports whether the order waits for its outcome.
func (r *orderRecord) Pending() bool { return r.Status == documents.Pending }

// Check rejects lines that decode as JSON but cannot be an order the
// back-end wrote.
func (r orderRecord) Check() error {
	switch {
	case r.IdempotencyKey == "":
		return errors.New("no idempotency_key")
	case r.Status != documents.Success && r.Status != documents.Failure && r.Status != documents.Pending:
		return fmt.Errorf("status %q", r.Status)
	case r.Status == documents.Success && r.Ref == "":
		return errors.New("SUCCESS without ref")
	case r.Fee <= 0:
		return fmt.Errorf("fee %d", r.Fee)
	case r.DocumentID == "":
		return errors.New("document_id is required")
	}
	return nil
}

// ledgerOptions names the order ledger in dir and how its errors speak.
func ledgerOptions(dir string) jsonledger.Options {
	return jsonledger.Options{
		Dir: dir, File: LedgerFile, Owner: "docsandbox", Restart: "the back-end",
		Repair: "repair that line from the kiosks' journals",
	}
}
