// Package fakekiosk is a scriptable engine.Kiosk for the UI's tests and
// benchmarks (in the spirit of periph's gpiotest): three Rajasthan
// electricity billers, bills keyed by K-number, a simulated note acceptor
// whose notes move a payment through the same phases as the real engine,
// and switches for the failures the UI must explain.
//
// It is deliberately simpler than appliance/engine — no journal, no devices
// — but it keeps the engine's contract: OnChange is called from a goroutine
// of its own, in order, after every change and once at registration.
package fakekiosk

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// Billers are the electricity distribution companies of Rajasthan.
var Billers = []billpay.Biller{
	{ID: "JVVNL", Name: "Jaipur Vidyut Vitran Nigam Ltd.", NameHi: "जयपुर विद्युत वितरण निगम लि.", Category: billpay.Electricity,
		RefLabel: "K-number", RefLabelHi: "के-नंबर", RefPattern: "^[0-9]{12}$"},
	{ID: "AVVNL", Name: "Ajmer Vidyut Vitran Nigam Ltd.", NameHi: "अजमेर विद्युत वितरण निगम लि.", Category: billpay.Electricity,
		RefLabel: "K-number", RefLabelHi: "के-नंबर", RefPattern: "^[0-9]{12}$"},
	{ID: "JdVVNL", Name: "Jodhpur Vidyut Vitran Nigam Ltd.", NameHi: "जोधपुर विद्युत वितरण निगम लि.", Category: billpay.Electricity,
		RefLabel: "K-number", RefLabelHi: "के-नंबर", RefPattern: "^[0-9]{12}$"},
}

// Known K-numbers.
const (
	RefWithBill   = "210123456789" // a bill of ₹1,240 (₹1,250 with the charge)
	RefNoBill     = "210000000000" // valid, nothing due
	RefGatewayErr = "219999999999" // the gateway times out
)

// Kiosk is the fake. Set its exported fields before handing it to the UI.
type Kiosk struct {
	Charge     money.Paise
	Notes      []money.Paise // SimNoteValues; empty = real hardware
	Outcomes   []engine.Outcome
	PrinterOut bool     // payments finish with ProblemPrinterDown
	Faults     []string // SimFault calls, in order

	mu       sync.Mutex
	session  string
	sessions int
	ended    int
	txns     int
	current  *Payment
	credits  map[string]*fakeCredit
	badCodes int
}

// New returns a fake with a ₹10 user charge and the Indian note series.
func New() *Kiosk {
	return &Kiosk{Charge: money.Rupees(10), Notes: []money.Paise{
		money.Rupees(10), money.Rupees(20), money.Rupees(50), money.Rupees(100),
		money.Rupees(200), money.Rupees(500), money.Rupees(2000)}}
}

var _ engine.Kiosk = (*Kiosk)(nil)

// BeginSession implements engine.Kiosk.
func (k *Kiosk) BeginSession() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sessions++
	k.session = fmt.Sprintf("S-%04d", k.sessions)
	return k.session
}

// EndSession implements engine.Kiosk.
func (k *Kiosk) EndSession() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.session != "" {
		k.ended++
	}
	k.session, k.current = "", nil
}

// Sessions reports how many sessions began and ended.
func (k *Kiosk) Sessions() (begun, ended int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.sessions, k.ended
}

// Billers implements engine.Kiosk: electricity only, like a kiosk whose
// gateway contract covers only the DISCOMs.
func (k *Kiosk) Billers(_ context.Context, c billpay.Category) ([]billpay.Biller, error) {
	var out []billpay.Biller
	for _, b := range Billers {
		if b.Category == c {
			out = append(out, b)
		}
	}
	return out, nil
}

// FetchBill implements engine.Kiosk.
func (k *Kiosk) FetchBill(_ context.Context, billerID, ref string) (billpay.Bill, error) {
	var biller *billpay.Biller
	for i := range Billers {
		if Billers[i].ID == billerID {
			biller = &Billers[i]
		}
	}
	if biller == nil {
		return billpay.Bill{}, fmt.Errorf("fake: %w: %s", billpay.ErrUnknownBiller, billerID)
	}
	if err := biller.ValidateRef(ref); err != nil {
		return billpay.Bill{}, err
	}
	switch ref {
	case RefWithBill:
		return billpay.Bill{BillerID: billerID, CustomerRef: ref, BillNumber: "B-2026-11-0042", CustomerName: "R***** K****",
			Amount: money.Rupees(1240), DueDate: "2026-12-05", BillDate: "2026-11-20", FetchRef: "F-1"}, nil
	case RefGatewayErr:
		return billpay.Bill{}, fmt.Errorf("fake: fetch: %w", billpay.ErrUnavailable)
	}
	return billpay.Bill{}, fmt.Errorf("fake: %w for %s", billpay.ErrNoBill, ref)
}

// UserCharge implements engine.Kiosk.
func (k *Kiosk) UserCharge(billpay.Bill) money.Paise { return k.Charge }

// PayByCash implements engine.Kiosk.
func (k *Kiosk) PayByCash(_ context.Context, bill billpay.Bill, creditCodes ...string) (engine.CashPayment, error) {
	applied, err := k.spendCredits(creditCodes)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.session == "" {
		return nil, errors.New("fake: no session")
	}
	k.txns++
	p := &Payment{k: k, changes: make(chan engine.PaymentState, 64), st: engine.PaymentState{
		TxnID: fmt.Sprintf("T-%04d", k.txns), Phase: engine.PhaseInserting, Bill: bill, Charge: k.Charge, Due: bill.Amount + k.Charge, Applied: applied}}
	k.current = p
	return p, nil
}

// Recovered implements engine.Kiosk.
func (k *Kiosk) Recovered() []engine.Outcome { return k.Outcomes }

// Snapshot implements engine.Kiosk.
func (k *Kiosk) Snapshot() engine.Snapshot {
	k.mu.Lock()
	s := engine.Snapshot{SessionID: k.session}
	p := k.current
	k.mu.Unlock()
	if p != nil {
		st := p.State()
		s.TxnID, s.TxnState = st.TxnID, string(st.Phase)
	}
	return s
}

// SimInsertNote implements engine.Kiosk.
func (k *Kiosk) SimInsertNote(v money.Paise) error {
	if len(k.Notes) == 0 {
		return engine.ErrNotSimulated
	}
	k.mu.Lock()
	p := k.current
	k.mu.Unlock()
	if p == nil {
		return errors.New("fake: no payment in progress")
	}
	p.insert(v)
	return nil
}

// SimNoteValues implements engine.Kiosk.
func (k *Kiosk) SimNoteValues() []money.Paise { return k.Notes }

// SimFault implements engine.Kiosk: the fake records the faults asked for.
func (k *Kiosk) SimFault(fault string) error {
	if len(k.Notes) == 0 {
		return engine.ErrNotSimulated
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.Faults = append(k.Faults, fault)
	return nil
}

// Payment is the fake's engine.CashPayment.
type Payment struct {
	k       *Kiosk
	mu      sync.Mutex
	st      engine.PaymentState
	f       func(engine.PaymentState)
	changes chan engine.PaymentState
	started bool
}

// State implements engine.CashPayment.
func (p *Payment) State() engine.PaymentState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// OnChange implements engine.CashPayment. Changes, the one at
// registration included, are delivered in order by one goroutine.
func (p *Payment) OnChange(f func(engine.PaymentState)) {
	p.mu.Lock()
	p.f = f
	p.changes <- p.st
	start := !p.started
	p.started = true
	p.mu.Unlock()
	if start {
		go func() {
			for s := range p.changes {
				p.mu.Lock()
				f := p.f
				p.mu.Unlock()
				if f != nil {
					f(s)
				}
			}
		}()
	}
}

// update changes the state under the lock and queues the new snapshot.
func (p *Payment) update(f func(*engine.PaymentState)) {
	p.mu.Lock()
	f(&p.st)
	st := p.st
	p.mu.Unlock()
	p.changes <- st
}

func (p *Payment) insert(v money.Paise) {
	p.mu.Lock()
	st := p.st
	p.mu.Unlock()
	if st.Phase != engine.PhaseInserting {
		return // the acceptor is disabled: the note comes back
	}
	if st.Inserted+v > st.Due {
		p.update(func(s *engine.PaymentState) { s.Phase, s.Escrow = engine.PhaseOverpay, v })
		return
	}
	p.update(func(s *engine.PaymentState) { s.Inserted += v })
	if st.Inserted+v == st.Due {
		p.finish(nil)
	}
}

// finish posts and prints, moving through the phases the engine does.
func (p *Payment) finish(credit *engine.CreditSlip) {
	p.update(func(s *engine.PaymentState) { s.Phase = engine.PhasePosting })
	p.update(func(s *engine.PaymentState) { s.Phase, s.GatewayRef = engine.PhasePrinting, "BBPS-"+s.TxnID })
	p.update(func(s *engine.PaymentState) {
		s.Phase, s.Credit = engine.PhaseDone, credit
		if p.k.PrinterOut {
			s.Problem = engine.ProblemPrinterDown
		}
	})
}

// Cancel implements engine.CashPayment.
func (p *Payment) Cancel() {
	p.mu.Lock()
	st := p.st
	p.mu.Unlock()
	switch {
	case st.Phase != engine.PhaseInserting && st.Phase != engine.PhaseOverpay:
		return
	case st.Inserted == 0:
		p.update(func(s *engine.PaymentState) { s.Phase, s.Escrow = engine.PhaseCancelled, 0 })
	default:
		p.update(func(s *engine.PaymentState) {
			s.Phase, s.Escrow = engine.PhaseCredited, 0
			s.Credit = &engine.CreditSlip{ID: "C-" + s.TxnID, TxnID: s.TxnID, Amount: s.Inserted, Reason: "cancelled"}
		})
	}
}

// DecideOverpay implements engine.CashPayment.
func (p *Payment) DecideOverpay(keep bool) {
	p.mu.Lock()
	st := p.st
	p.mu.Unlock()
	if st.Phase != engine.PhaseOverpay {
		return
	}
	if !keep {
		p.update(func(s *engine.PaymentState) { s.Phase, s.Escrow = engine.PhaseInserting, 0 })
		return
	}
	excess := st.Inserted + st.Escrow - st.Due
	p.update(func(s *engine.PaymentState) { s.Inserted, s.Escrow = s.Inserted+s.Escrow, 0 })
	p.finish(&engine.CreditSlip{ID: "C-" + st.TxnID, TxnID: st.TxnID, Amount: excess, Reason: "overpay"})
}

// Payments is how many payments PayByCash began.
func (k *Kiosk) Payments() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.txns
}
