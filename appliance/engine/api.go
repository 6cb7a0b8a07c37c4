// Package engine is the heart of the kiosk: one citizen session at a time,
// and inside it transactions that are explicit state machines whose every
// transition is written to the journal (appliance/journal) and synced
// before its side effect — enabling the note acceptor, accepting a note from
// escrow, posting a payment, printing a receipt or a credit slip.
//
// The UI (ui/) talks only to the types in this file. The engine talks to
// devices through the driver class interfaces (drivers/cash,
// drivers/printer) and to back-ends through service interfaces
// (services/billpay); it never imports a protocol package or the UI.
package engine

import (
	"context"
	"errors"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/status"
)

// Phase is where a cash payment stands, as the citizen sees it.
type Phase string

const (
	// PhaseInserting: the acceptor is enabled; the citizen feeds notes.
	PhaseInserting Phase = "inserting"
	// PhaseOverpay: a note in escrow would pay more than is due; the citizen
	// chooses (DecideOverpay) to take it back or keep the excess as credit.
	PhaseOverpay Phase = "overpay"
	// PhasePosting: the full amount is in; the payment is being posted.
	PhasePosting Phase = "posting"
	// PhasePrinting: the payment succeeded; the receipt is printing.
	PhasePrinting Phase = "printing"
	// PhaseDone: paid and receipt printed (or the receipt could not be
	// printed: Problem says so and the receipt can be reprinted).
	PhaseDone Phase = "done"
	// PhaseCancelled: the citizen cancelled before any note was stacked; any
	// escrowed note was returned. Nothing was charged.
	PhaseCancelled Phase = "cancelled"
	// PhaseCredited: money was taken but the payment did not go through (or
	// was cancelled after notes were stacked): a credit slip for Credit.Amount
	// was issued.
	PhaseCredited Phase = "credited"
	// PhaseAcknowledged: the gateway could not confirm the payment in time;
	// an acknowledgement slip was printed and the engine keeps resolving it
	// (paid through or credited) in the background.
	PhaseAcknowledged Phase = "acknowledged"
)

// Final reports whether the phase ends the payment screen.
func (p Phase) Final() bool {
	switch p {
	case PhaseDone, PhaseCancelled, PhaseCredited, PhaseAcknowledged:
		return true
	}
	return false
}

// Problem is a condition the citizen must be told about, as a stable code
// the UI maps to a message in the current language.
type Problem string

const (
	NoProblem            Problem = ""
	ProblemNoteRejected  Problem = "note-rejected"  // acceptor refused a note; it came back
	ProblemAcceptorDown  Problem = "acceptor-down"  // acceptor not answering / jammed / full
	ProblemPrinterDown   Problem = "printer-down"   // paper out or printer fault: no receipt printed
	ProblemGatewayDown   Problem = "gateway-down"   // back-end unreachable
	ProblemPaymentFailed Problem = "payment-failed" // back-end refused the payment
)

// CreditSlip is a printed, single-use credit redeemable at this kiosk.
type CreditSlip struct {
	ID     string      `json:"id"`     // "C-<txn id>"
	TxnID  string      `json:"txn_id"` // transaction that issued it
	Amount money.Paise `json:"amount"`
	Reason string      `json:"reason"` // "cancelled", "overpay", "payment-failed"
	// Code is the 12-digit code printed on the slip, typed by the citizen
	// to spend it (see credit.go).
	Code string `json:"code,omitempty"`
}

// PaymentState is a snapshot of a cash payment.
type PaymentState struct {
	TxnID string
	Phase Phase
	// Bill is what a bill payment pays; Document what a document order
	// buys (nil for a bill).
	Bill     billpay.Bill
	Document *documents.Document
	Charge   money.Paise // the kiosk's user charge
	Due      money.Paise // Bill.Amount + Charge
	Inserted money.Paise // notes stacked so far (past the credit point)
	// Applied is the value of the credit slips spent on this payment.
	Applied money.Paise
	// Escrow is the value of a note held in escrow waiting for the citizen's
	// overpay decision (PhaseOverpay); zero otherwise.
	Escrow  money.Paise
	Problem Problem
	// Receipt fields, set in PhaseDone.
	GatewayRef string // the gateway's transaction reference
	// Credit is set in PhaseCredited (and in PhaseDone when the citizen kept
	// an overpaid excess as credit).
	Credit *CreditSlip
}

// Remaining is what is still to be inserted.
func (s PaymentState) Remaining() money.Paise {
	if r := s.Due - s.Applied - s.Inserted; r > 0 {
		return r
	}
	return 0
}

// CashPayment is a bill payment by cash in progress.
type CashPayment interface {
	// State returns the current snapshot.
	State() PaymentState
	// OnChange registers f, called (from an engine goroutine) after every
	// state change, and once at registration. Only one f is kept.
	OnChange(f func(PaymentState))
	// Cancel asks to stop: an escrowed note is returned; stacked notes become
	// a credit slip. Ignored once posting has begun.
	Cancel()
	// DecideOverpay answers PhaseOverpay: keepExcessAsCredit=false returns the
	// note; true accepts it and issues a credit slip for the excess.
	DecideOverpay(keepExcessAsCredit bool)
}

// Outcome is how a transaction that was open at the last power cut or crash
// was resolved at start-up, for the UI to show the next citizen screen and
// for technicians.
type Outcome struct {
	TxnID   string
	Phase   Phase
	Amount  money.Paise
	Credit  *CreditSlip
	Summary string // one line in English for logs and the technician menu
}

// Snapshot is the engine's state for the automation /state endpoint.
type Snapshot struct {
	SessionID string `json:"session_id"`
	TxnID     string `json:"txn_id,omitempty"`
	TxnState  string `json:"txn_state,omitempty"` // Phase of the current payment
}

// Kiosk is what the UI may ask of the appliance.
type Kiosk interface {
	// BeginSession starts a new citizen session (a tap on the attract or
	// Home screen after the previous session ended) and returns its id.
	BeginSession() string
	// EndSession ends the current session; nothing of it stays in memory.
	EndSession()
	// Billers lists the billers of a category.
	Billers(ctx context.Context, c billpay.Category) ([]billpay.Biller, error)
	// FetchBill validates ref and fetches the bill. Errors wrap
	// billpay.ErrInvalidRef, ErrUnknownBiller, ErrNoBill or ErrUnavailable.
	FetchBill(ctx context.Context, billerID, ref string) (billpay.Bill, error)
	// UserCharge is the kiosk's charge for paying bill.
	UserCharge(bill billpay.Bill) money.Paise
	// LookupCredit finds an outstanding credit slip by the code the citizen
	// typed. Errors: ErrCreditFormat, ErrCreditUnknown, ErrCreditSpent,
	// ErrCreditLocked (too many wrong codes this session).
	LookupCredit(code string) (CreditSlip, error)
	// PayByCash starts a payment of bill (+ user charge): the credit slips
	// named by creditCodes are spent first, notes pay the rest (none are
	// asked for when the credits cover it).
	PayByCash(ctx context.Context, bill billpay.Bill, creditCodes ...string) (CashPayment, error)
	// DocumentSpecs says what to type to find a document of each kind.
	DocumentSpecs(ctx context.Context) ([]documents.RefSpec, error)
	// FindDocument looks up an issued document. Errors wrap
	// documents.ErrInvalidRef, ErrNotFound, ErrNotReady, ErrUnavailable,
	// or are ErrServiceUnavailable when the kiosk offers no documents.
	FindDocument(ctx context.Context, kind documents.Kind, ref string) (documents.Document, error)
	// DocumentCharge is the kiosk's charge for printing doc.
	DocumentCharge(doc documents.Document) money.Paise
	// OrderDocument starts a paid print of doc (fee + charge), spending
	// the credit slips named first, like PayByCash.
	OrderDocument(ctx context.Context, doc documents.Document, creditCodes ...string) (CashPayment, error)
	// StatusSpecs says what to type (and pick) for each status look-up.
	StatusSpecs(ctx context.Context) ([]status.RefSpec, error)
	// LookupStatus asks the status back-end. Errors wrap
	// status.ErrInvalidRef, ErrNotFound, ErrUnavailable, or are
	// ErrServiceUnavailable.
	LookupStatus(ctx context.Context, kind status.Kind, ref, option string) (status.Result, error)
	// PrintStatus prints r as a slip (journaled; free of charge).
	PrintStatus(ctx context.Context, r status.Result) error
	// PendingPrints lists paid transactions whose receipt or document did
	// not print; Reprint prints them from the journal (never posting
	// again). For the citizen's "print again" and the technician menu.
	PendingPrints() []PendingPrint
	Reprint(ctx context.Context, txnID string) error
	// FindPensioner looks up a PPO number; ScannerReady says whether the
	// fingerprint scanner answers; VerifyPension takes the finger, submits
	// the life certificate and prints the slip. Capture errors wrap
	// ErrCaptureTimeout, ErrPoorQuality (biometric.ErrTimeout,
	// ErrPoorQuality), or biometric.ErrBusy, ErrNotReady.
	FindPensioner(ctx context.Context, ppo string) (pension.Pensioner, error)
	ScannerReady(ctx context.Context) error
	VerifyPension(ctx context.Context, p pension.Pensioner) (LifeVerification, error)
	// TechnicianReport checks the devices and back-ends and summarises the
	// journal, for the technician menu.
	TechnicianReport(ctx context.Context) TechnicianReport
	// Recovered lists the outcomes of transactions resolved at start-up.
	Recovered() []Outcome
	// Snapshot describes the current session and transaction.
	Snapshot() Snapshot
	// SimInsertNote puts a note into the simulated acceptor; ErrNotSimulated
	// on a kiosk with a real one.
	SimInsertNote(v money.Paise) error
	// SimNoteValues lists the notes the simulated acceptor takes (empty on
	// real hardware): the sim panel shows one button per value.
	SimNoteValues() []money.Paise
	// SimFault switches a simulated device fault: "paper-out", "paper-ok"
	// (receipt printer), "counterfeit" (the next note is a fake),
	// "jam" (the next accepted note jams). ErrNotSimulated on real hardware.
	SimFault(fault string) error
}

// ErrServiceUnavailable: this kiosk has no back-end or device for the
// service asked for; the UI says so instead of pretending.
var ErrServiceUnavailable = errors.New("engine: service not available at this kiosk")

// ErrNotSimulated is returned by simulator controls on real hardware.
var ErrNotSimulated = errors.New("engine: no simulated device")
