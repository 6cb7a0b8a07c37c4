package engine

import (
	"encoding/json"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/journal"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/documents"
)

// Journal record types of a cash bill payment, in the order they happen.
// Each is appended and synced BEFORE the side effect its name announces
// (an "-intent" record) or right AFTER the device or gateway reported the
// fact (a result record), so that replay always knows whether a side effect
// may have happened.
const (
	recBegin        = "txn-begin"        // bill, charge, due fixed; nothing happened yet
	recEnable       = "acceptor-enable"  // → Enable(): notes may now come in
	recEscrowed     = "escrowed"         // a note waits in escrow; still the citizen's
	recAcceptIntent = "accept-intent"    // → Accept(): the note may reach the cashbox
	recStacked      = "stacked"          // the acceptor reported the credit point
	recReturnIntent = "return-intent"    // → Return()
	recReturned     = "returned"         // the note came back out
	recRejected     = "rejected"         // the acceptor refused a note
	recDeviceFault  = "device-fault"     // jam, stacker full, offline …
	recUnresolved   = "note-unresolved"  // an accepted note's fate is unknown: operator
	recDisable      = "acceptor-disable" // → Disable()
	recPayIntent    = "pay-intent"       // → Pay(key): the payment may exist upstream
	recPayResult    = "pay-result"       // the gateway's definite answer
	recCreditIssued = "credit-issued"    // a credit slip exists (printed or not)
	recPrintIntent  = "print-intent"     // → Print()
	recPrinted      = "printed"          // the printer took the job, or failed
	recAckIssued    = "ack-issued"       // payment unconfirmed: acknowledgement slip
	recEnd          = "txn-end"          // final phase
)

// Transaction kinds (txn-begin's Kind). Both are paid in cash and credit
// slips and follow the same money rules; they differ in what is posted
// upstream (a bill payment, a document order) and what is printed.
const (
	kindBill     = "bill-cash"
	kindDocument = "document-cash"
)

// body is the union of every record's fields; each record type uses some.
type body struct {
	Kind string        `json:"kind,omitempty"`
	Bill *billpay.Bill `json:"bill,omitempty"`
	// Doc is the document a document order buys (txn-begin).
	Doc     *documents.Document `json:"doc,omitempty"`
	Charge  money.Paise         `json:"charge,omitempty"`
	Due     money.Paise         `json:"due,omitempty"`
	Note    money.Paise         `json:"note,omitempty"`
	Channel int                 `json:"channel,omitempty"`
	Overpay bool                `json:"overpay,omitempty"`
	// Recovered marks facts learnt at start-up (a note the acceptor reported
	// cleared into the cashbox after a power cut).
	Recovered bool           `json:"recovered,omitempty"`
	Key       string         `json:"key,omitempty"`
	Amount    money.Paise    `json:"amount,omitempty"`
	Status    billpay.Status `json:"status,omitempty"`
	Ref       string         `json:"ref,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Credit    *CreditSlip    `json:"credit,omitempty"`
	What      string         `json:"what,omitempty"` // receipt, credit, ack
	Error     string         `json:"error,omitempty"`
	Phase     Phase          `json:"phase,omitempty"`
	Problem   Problem        `json:"problem,omitempty"`
	// Credits and Serial: the outstanding credits restated by a
	// credits-carried record, and the highest credit serial issued.
	Credits []CreditSlip `json:"credits,omitempty"`
	Serial  int          `json:"serial,omitempty"`
}

// txn is a transaction as the journal describes it: the same fold of
// records runs live and at replay, so recovery sees exactly what the live
// engine saw.
type txn struct {
	ID   string
	Kind string
	Bill billpay.Bill
	Doc  documents.Document
	// PensionPPO and PensionName: a life certificate's pensioner (the
	// name masked as the back-end gave it).
	PensionPPO  string
	PensionName string
	Charge      money.Paise
	Due         money.Paise
	Stacked     money.Paise
	// Applied are the credit slips spent in this transaction: money in, like
	// stacked notes.
	Applied []CreditSlip
	// pendingAccepts are notes with an accept-intent but no stacked/returned
	// record yet: their fate is what a power cut leaves unknown.
	PendingAccepts []money.Paise
	Unresolved     []money.Paise
	PayIntent      bool
	PayStatus      billpay.Status
	GatewayRef     string
	PayReason      string
	Credits        []CreditSlip
	ReceiptPrinted bool
	ReceiptFailed  bool
	// DocPrinted/DocFailed: a document order's A4 print.
	DocPrinted bool
	DocFailed  bool
	AckIssued  bool
	Final      Phase
	Problem    Problem
	Records    int
}

func (t *txn) credited() money.Paise {
	var s money.Paise
	for _, c := range t.Credits {
		s += c.Amount
	}
	return s
}

// applied is the value of the credit slips spent in t.
func (t *txn) applied() money.Paise {
	var s money.Paise
	for _, c := range t.Applied {
		s += c.Amount
	}
	return s
}

// moneyIn is everything the citizen put into t: notes and credit slips.
func (t *txn) moneyIn() money.Paise { return t.Stacked + t.applied() }

func removeOne(s []money.Paise, v money.Paise) []money.Paise {
	for i, x := range s {
		if x == v {
			return append(s[:i:i], s[i+1:]...)
		}
	}
	return s
}

// apply folds one record into the transaction.
func (t *txn) apply(r journal.Record) error {
	var b body
	if len(r.Body) > 0 {
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return fmt.Errorf("engine: record %d (%s): %w", r.Seq, r.Type, err)
		}
	}
	t.Records++
	switch r.Type {
	case recBegin:
		t.ID, t.Kind, t.Charge, t.Due = r.Txn, b.Kind, b.Charge, b.Due
		if b.Bill != nil {
			t.Bill = *b.Bill
		}
		if b.Doc != nil {
			t.Doc = *b.Doc
		}
		if b.Kind == kindPension {
			t.PensionPPO, t.PensionName = b.Ref, b.What
		}
	case recCreditApplied:
		if b.Credit != nil {
			t.Applied = append(t.Applied, *b.Credit)
		}
	case recAcceptIntent:
		t.PendingAccepts = append(t.PendingAccepts, b.Note)
	case recStacked:
		t.Stacked += b.Note
		t.PendingAccepts = removeOne(t.PendingAccepts, b.Note)
	case recReturned:
		t.PendingAccepts = removeOne(t.PendingAccepts, b.Note)
	case recUnresolved:
		t.PendingAccepts = removeOne(t.PendingAccepts, b.Note)
		t.Unresolved = append(t.Unresolved, b.Note)
	case recPayIntent:
		t.PayIntent = true
	case recPayResult:
		t.PayStatus, t.GatewayRef, t.PayReason = b.Status, b.Ref, b.Reason
	case recCreditIssued:
		if b.Credit != nil {
			t.Credits = append(t.Credits, *b.Credit)
		}
	case recPrinted:
		switch b.What {
		case "receipt":
			t.ReceiptPrinted = b.Error == ""
			t.ReceiptFailed = b.Error != ""
		case "document":
			t.DocPrinted = b.Error == ""
			t.DocFailed = b.Error != ""
		}
	case recAckIssued:
		t.AckIssued = true
	case recEnd:
		t.Final, t.Problem = b.Phase, b.Problem
	}
	return nil
}
