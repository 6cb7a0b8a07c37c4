// Package cash defines the BillAcceptor device class: a note acceptor with an
// escrow position, as UnifiedPOS's BillAcceptor and the ITL/ccTalk validators
// model it.
//
// A protocol package (drivers/cash/essp, drivers/cash/cctalk) implements
// BillAcceptor over an io.ReadWriter; the engine in appliance/ depends only on
// this package. The contract that keeps money safe:
//
//   - A note reported in an Escrowed event is still the citizen's. It stays in
//     escrow (the driver keeps it held) until the caller says Accept or Return.
//   - A Stacked event is the credit point: the note is in the cashbox and can
//     no longer be given back. It is reported exactly once per note.
//   - Poll never returns an event twice, even when the wire protocol repeats it.
package cash

import (
	"context"
	"errors"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Note is one banknote denomination as the acceptor reports it.
type Note struct {
	Channel int         // the device's channel (1-based), 0 when unknown
	Value   money.Paise // face value
}

func (n Note) String() string { return fmt.Sprintf("%v (channel %d)", n.Value, n.Channel) }

// EventKind says what happened at the acceptor.
type EventKind int

const (
	// Escrowed: a valid note is held in escrow, waiting for Accept or Return.
	Escrowed EventKind = iota + 1
	// Stacked: the note passed the credit point and is in the cashbox.
	Stacked
	// Returned: the escrowed note was handed back to the citizen.
	Returned
	// Rejected: the acceptor refused a note (not genuine, inhibited, …) and
	// returned it. Reason says why when the device tells.
	Rejected
	// Jammed: a note is stuck. Safe says the citizen cannot reach it; a safe
	// jam after acceptance is treated as stacked by the engine only when the
	// device reported the credit.
	Jammed
	// StackerFull: the cashbox is full; no more notes until it is emptied.
	StackerFull
	// CashboxRemoved / CashboxReplaced: the cashbox left or came back.
	CashboxRemoved
	CashboxReplaced
	// Fraud: the device detected tampering (string, pull-back).
	Fraud
	// Disabled: the device stopped accepting (by host or by itself).
	Disabled
	// Reset: the device powered up or reset; any escrow state is gone.
	Reset
	// ClearedToCashbox: at power-up a note found in the path went into the
	// cashbox (eSSP NOTE CLEARED INTO CASHBOX). Counts as stacked.
	ClearedToCashbox
	// ClearedToFront: at power-up a note found in the path was handed back.
	ClearedToFront
)

var kindNames = map[EventKind]string{
	Escrowed: "escrowed", Stacked: "stacked", Returned: "returned", Rejected: "rejected",
	Jammed: "jammed", StackerFull: "stacker-full", CashboxRemoved: "cashbox-removed",
	CashboxReplaced: "cashbox-replaced", Fraud: "fraud", Disabled: "disabled", Reset: "reset",
	ClearedToCashbox: "cleared-to-cashbox", ClearedToFront: "cleared-to-front",
}

func (k EventKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one thing the acceptor reported.
type Event struct {
	Kind   EventKind
	Note   Note   // for Escrowed, Stacked, Returned, ClearedTo*; zero otherwise
	Safe   bool   // for Jammed: the note cannot be reached by the citizen
	Reason string // for Rejected, Jammed, Fraud: the device's reason, if any
}

func (e Event) String() string {
	s := e.Kind.String()
	if e.Note.Value != 0 {
		s += " " + e.Note.String()
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// BillAcceptor is a note acceptor with escrow.
//
// Methods are not safe for concurrent use; one goroutine (the engine's cash
// loop) owns the device. Every method returns an error wrapping ErrOffline
// when the device does not answer.
type BillAcceptor interface {
	// Enable starts accepting notes whose value is in accept (nil = all the
	// device knows). Notes of other values are rejected by the device.
	Enable(ctx context.Context, accept []money.Paise) error
	// Disable stops accepting new notes. A note already in escrow stays there.
	Disable(ctx context.Context) error
	// Poll asks the device what happened since the last Poll. It must be
	// called every 200 ms–1 s while enabled (devices disable themselves when
	// not polled). While a note is in escrow and neither Accept nor Return was
	// called, Poll keeps the note held.
	Poll(ctx context.Context) ([]Event, error)
	// Accept moves the escrowed note towards the cashbox. The Stacked event
	// follows in a later Poll. ErrNoEscrow when no note is held.
	Accept(ctx context.Context) error
	// Return gives the escrowed note back. The Returned event follows in a
	// later Poll. ErrNoEscrow when no note is held.
	Return(ctx context.Context) error
	// Denominations lists the notes the device is set up for.
	Denominations() []Note
	// Close releases the device; it does not close the transport.
	Close() error
}

// Errors callers branch on.
var (
	ErrOffline  = errors.New("cash: acceptor not answering")
	ErrNoEscrow = errors.New("cash: no note in escrow")
	ErrJammed   = errors.New("cash: acceptor jammed")
	ErrFull     = errors.New("cash: stacker full")
)

// Feeder is the operator side of a simulated acceptor: in sim mode it lets a
// person (or a test) put a note into the slot. Real devices do not have it.
type Feeder interface {
	// Insert puts a note of value v into the acceptor's slot. A value the
	// acceptor does not know is rejected by the acceptor, as a real one would.
	Insert(v money.Paise) error
	// InsertCounterfeit puts a note the validator will refuse.
	InsertCounterfeit() error
	// Jam makes the next accepted note jam in the path.
	Jam(safe bool) error
}
