package docsandbox

import (
	"errors"
	"fmt"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
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
	// PollsLeft counts the status polls until a PENDING order succeeds.
	PollsLeft int `json:"polls_left,omitempty"`
}

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

// ledger is the append-only order file.
type ledger = jsonledger.Ledger[orderRecord]

// openLedger loads <dir>/orders.jsonl (creating dir and file as needed),
// cuts off a torn tail, and opens the file for appending.
func openLedger(dir string) (*ledger, jsonledger.Contents[orderRecord], error) {
	return jsonledger.Open[orderRecord](jsonledger.Options{
		Dir: dir, File: LedgerFile, Owner: "docsandbox", Restart: "the back-end",
		Repair: "repair that line from the kiosks' journals",
	})
}
