package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash"
	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/documents"
)

// cashPayment runs one bill payment by cash in its own goroutine; the UI
// talks to it only through the CashPayment methods.
type cashPayment struct {
	e      *Engine
	id     string
	cancel chan struct{}
	decide chan bool

	mu       sync.Mutex
	st       PaymentState
	onChange func(PaymentState)
	once     sync.Once
}

// PayByCash implements Kiosk. The credit slips are spent (journaled) before
// anything else happens, so from then on their value is money in this
// transaction: it is paid upstream or comes back as a new credit slip.
func (e *Engine) PayByCash(ctx context.Context, bill billpay.Bill, creditCodes ...string) (CashPayment, error) {
	if bill.Amount <= 0 {
		return nil, fmt.Errorf("engine: bill %s has nothing to pay", bill.BillNumber)
	}
	return e.startPayment(body{Kind: kindBill, Bill: &bill, Charge: e.cfg.BillCharge, Due: bill.Amount + e.cfg.BillCharge},
		PaymentState{Bill: bill}, creditCodes)
}

// OrderDocument implements Kiosk: a print of doc, paid like a bill; the
// order is posted with the transaction id as idempotency key once the
// money is in, then the document prints on the A4 printer.
func (e *Engine) OrderDocument(ctx context.Context, doc documents.Document, creditCodes ...string) (CashPayment, error) {
	if e.cfg.Documents == nil || e.cfg.PagePrinter == nil {
		return nil, ErrServiceUnavailable
	}
	charge := e.DocumentCharge(doc)
	if doc.Fee+charge <= 0 {
		return nil, fmt.Errorf("engine: document %s has no price", doc.ID)
	}
	return e.startPayment(body{Kind: kindDocument, Doc: &doc, Charge: charge, Due: doc.Fee + charge},
		PaymentState{Document: &doc}, creditCodes)
}

// startPayment journals the transaction's begin and the credit slips it
// spends, then runs it.
func (e *Engine) startPayment(begin body, st PaymentState, creditCodes []string) (CashPayment, error) {
	var spend []CreditSlip
	seen := map[string]bool{}
	for _, code := range creditCodes {
		c, err := e.LookupCredit(code)
		if err != nil {
			return nil, err
		}
		if seen[c.Code] {
			return nil, fmt.Errorf("%w: %s given twice", ErrCreditSpent, c.ID)
		}
		seen[c.Code] = true
		spend = append(spend, c)
	}
	id := e.newTxnID()
	if err := e.record(id, recBegin, begin); err != nil {
		return nil, err
	}
	var applied money.Paise
	for _, c := range spend {
		if err := e.record(id, recCreditApplied, body{Credit: &c}); err != nil {
			return nil, err
		}
		applied += c.Amount
	}
	st.TxnID, st.Phase, st.Charge, st.Due, st.Applied = id, PhaseInserting, begin.Charge, begin.Due, applied
	p := &cashPayment{e: e, id: id, cancel: make(chan struct{}), decide: make(chan bool, 1), st: st}
	e.mu.Lock()
	e.current = p
	e.mu.Unlock()
	go p.run()
	return p, nil
}

// State implements CashPayment.
func (p *cashPayment) State() PaymentState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// OnChange implements CashPayment.
func (p *cashPayment) OnChange(f func(PaymentState)) {
	p.mu.Lock()
	p.onChange = f
	st := p.st
	p.mu.Unlock()
	if f != nil {
		f(st)
	}
}

// Cancel implements CashPayment.
func (p *cashPayment) Cancel() { p.once.Do(func() { close(p.cancel) }) }

// DecideOverpay implements CashPayment.
func (p *cashPayment) DecideOverpay(keepExcessAsCredit bool) {
	select {
	case p.decide <- keepExcessAsCredit:
	default:
	}
}

func (p *cashPayment) update(f func(*PaymentState)) {
	p.mu.Lock()
	f(&p.st)
	st, cb := p.st, p.onChange
	p.mu.Unlock()
	if cb != nil {
		cb(st)
	}
}

func (p *cashPayment) fail(err error) {
	p.e.cfg.Log.Printf("%s: %v", p.id, err)
}

// run is the state machine. Its one rule: the journal record goes first,
// the device or gateway call second.
func (p *cashPayment) run() {
	e := p.e
	ctx := context.Background()
	applied, need := p.st.Applied, p.st.Due-p.st.Applied
	if need <= 0 {
		// The credit slips cover it: no notes, and what they exceed by
		// is credited back after the payment.
		p.post(ctx, -need)
		return
	}
	e.devMu.Lock()
	inserted, escrow, overpayKept, err := p.collect(ctx, need)
	e.devMu.Unlock()
	if err != nil {
		p.fail(err)
	}
	if inserted < need {
		p.finishUnpaid(ctx, applied+inserted, escrow)
		return
	}
	p.post(ctx, overpayKept)
}

// collect enables the acceptor and takes notes until due is reached,
// the citizen cancels, or the acceptor fails. It returns the amount stacked,
// the value of a note that could not be returned from escrow, and the excess
// the citizen chose to keep as credit.
func (p *cashPayment) collect(ctx context.Context, due money.Paise) (inserted, stuck, excess money.Paise, err error) {
	e := p.e
	acc := e.cfg.Acceptor
	if err := e.record(p.id, recEnable, body{}); err != nil {
		return 0, 0, 0, err
	}
	if err := acc.Enable(ctx, nil); err != nil {
		e.record(p.id, recDeviceFault, body{Reason: err.Error()})
		p.update(func(s *PaymentState) { s.Problem = ProblemAcceptorDown })
		return 0, 0, 0, err
	}
	defer func() {
		e.record(p.id, recDisable, body{})
		if derr := acc.Disable(ctx); derr != nil {
			e.cfg.Log.Printf("%s: disable acceptor: %v", p.id, derr)
		}
	}()
	var escrow cash.Note // note in escrow, waiting for a decision
	accepting := money.Paise(0)
	returning := false
	cancelled := false
	tick := time.NewTicker(e.cfg.PollInterval)
	defer tick.Stop()
	failures := 0
	for {
		select {
		case <-p.cancel:
			if !cancelled {
				cancelled = true
				if escrow.Value != 0 && !returning {
					if err := e.record(p.id, recReturnIntent, body{Note: escrow.Value}); err != nil {
						return inserted, escrow.Value, excess, err
					}
					if err := acc.Return(ctx); err != nil {
						e.cfg.Log.Printf("%s: return: %v", p.id, err)
					}
					returning = true
				}
			}
		case keep := <-p.decide:
			if escrow.Value == 0 || returning || accepting != 0 {
				break
			}
			if keep {
				if err := e.record(p.id, recAcceptIntent, body{Note: escrow.Value, Channel: escrow.Channel, Overpay: true}); err != nil {
					return inserted, escrow.Value, excess, err
				}
				if err := acc.Accept(ctx); err != nil {
					e.cfg.Log.Printf("%s: accept: %v", p.id, err)
				}
				accepting = escrow.Value
				escrow = cash.Note{}
				p.update(func(s *PaymentState) { s.Phase, s.Escrow = PhaseInserting, 0 })
			} else {
				if err := e.record(p.id, recReturnIntent, body{Note: escrow.Value}); err != nil {
					return inserted, escrow.Value, excess, err
				}
				if err := acc.Return(ctx); err != nil {
					e.cfg.Log.Printf("%s: return: %v", p.id, err)
				}
				returning = true
			}
		case <-tick.C:
		}
		// Finished? Cancelled with nothing in flight, or enough stacked.
		if accepting == 0 && escrow.Value == 0 {
			if inserted >= due {
				return inserted, 0, inserted - due, nil
			}
			if cancelled {
				return inserted, 0, 0, nil
			}
		}
		evs, err := acc.Poll(ctx)
		if err != nil {
			failures++
			if failures < 3 {
				continue
			}
			e.record(p.id, recDeviceFault, body{Reason: err.Error()})
			p.update(func(s *PaymentState) { s.Problem = ProblemAcceptorDown })
			if accepting != 0 {
				e.record(p.id, recUnresolved, body{Note: accepting})
			}
			return inserted, escrow.Value, 0, err
		}
		failures = 0
		for _, ev := range evs {
			switch ev.Kind {
			case cash.Escrowed:
				if err := e.record(p.id, recEscrowed, body{Note: ev.Note.Value, Channel: ev.Note.Channel}); err != nil {
					return inserted, ev.Note.Value, excess, err
				}
				if cancelled {
					e.record(p.id, recReturnIntent, body{Note: ev.Note.Value})
					acc.Return(ctx)
					escrow, returning = ev.Note, true
					continue
				}
				if inserted+ev.Note.Value <= due {
					if err := e.record(p.id, recAcceptIntent, body{Note: ev.Note.Value, Channel: ev.Note.Channel}); err != nil {
						return inserted, ev.Note.Value, excess, err
					}
					if err := acc.Accept(ctx); err != nil {
						e.cfg.Log.Printf("%s: accept: %v", p.id, err)
					}
					accepting = ev.Note.Value
				} else {
					// Would overpay: hold it and let the citizen choose.
					escrow = ev.Note
					v := ev.Note.Value
					p.update(func(s *PaymentState) { s.Phase, s.Escrow, s.Problem = PhaseOverpay, v, NoProblem })
				}
			case cash.Stacked, cash.ClearedToCashbox:
				if err := e.record(p.id, recStacked, body{Note: ev.Note.Value, Channel: ev.Note.Channel}); err != nil {
					return inserted, 0, excess, err
				}
				inserted += ev.Note.Value
				accepting = 0
				v := inserted
				p.update(func(s *PaymentState) { s.Inserted, s.Problem = v, NoProblem })
			case cash.Returned:
				e.record(p.id, recReturned, body{Note: ev.Note.Value})
				escrow, returning = cash.Note{}, false
				p.update(func(s *PaymentState) { s.Phase, s.Escrow = PhaseInserting, 0 })
			case cash.Rejected:
				e.record(p.id, recRejected, body{Reason: ev.Reason})
				p.update(func(s *PaymentState) { s.Problem = ProblemNoteRejected })
			case cash.Jammed, cash.StackerFull, cash.CashboxRemoved, cash.Fraud, cash.Reset:
				e.record(p.id, recDeviceFault, body{Reason: ev.String()})
				p.update(func(s *PaymentState) { s.Problem = ProblemAcceptorDown })
				if accepting != 0 {
					// Accepted, no credit reported: nobody knows where the
					// note is. The operator settles it from the cashbox.
					e.record(p.id, recUnresolved, body{Note: accepting})
					accepting = 0
				}
				return inserted, escrow.Value, 0, fmt.Errorf("engine: acceptor: %v", ev)
			}
		}
	}
}

// finishUnpaid ends a payment that did not reach the amount: nothing taken
// → cancelled; notes stacked or credit slips spent → a credit slip for them.
func (p *cashPayment) finishUnpaid(ctx context.Context, moneyIn, stuck money.Paise) {
	e := p.e
	if moneyIn == 0 {
		e.record(p.id, recEnd, body{Phase: PhaseCancelled})
		p.update(func(s *PaymentState) { s.Phase, s.Escrow = PhaseCancelled, 0 })
		return
	}
	c, err := e.issueCredit(ctx, p.id, moneyIn, "cancelled")
	problem := p.State().Problem
	if errors.Is(err, printer.ErrPaperOut) || errors.Is(err, printer.ErrOffline) || errors.Is(err, printer.ErrFault) {
		problem = ProblemPrinterDown
	}
	if c == nil {
		p.fail(err)
		return
	}
	e.record(p.id, recEnd, body{Phase: PhaseCredited, Problem: problem})
	p.update(func(s *PaymentState) { s.Phase, s.Credit, s.Escrow, s.Problem = PhaseCredited, c, 0, problem })
}

// post pays upstream with the transaction id as idempotency key.
func (p *cashPayment) post(ctx context.Context, excess money.Paise) {
	e := p.e
	p.update(func(s *PaymentState) { s.Phase, s.Escrow = PhasePosting, 0 })
	t := e.txnState(p.id)
	pay, err := e.postUntilDefinite(ctx, t, e.cfg.PayAttempts)
	switch {
	case err == nil && pay.Status == billpay.Success:
		p.paid(ctx, pay, excess)
	case err == nil && pay.Status == billpay.Failure:
		c, perr := e.issueCredit(ctx, p.id, t.moneyIn(), "payment failed: "+pay.Reason)
		problem := ProblemPaymentFailed
		if perr != nil && c != nil {
			problem = ProblemPaymentFailed
		}
		e.record(p.id, recEnd, body{Phase: PhaseCredited, Problem: problem})
		p.update(func(s *PaymentState) { s.Phase, s.Credit, s.Problem = PhaseCredited, c, problem })
	default:
		// No definite answer: the payment may still succeed upstream, so no
		// credit may be issued (that would count the money twice). The
		// citizen gets an acknowledgement; the resolver finishes the job.
		e.record(p.id, recAckIssued, body{Reason: fmt.Sprint(err)})
		e.printSlip(ctx, p.id, "ack", e.ackSlip(e.txnState(p.id)))
		p.update(func(s *PaymentState) { s.Phase, s.Problem = PhaseAcknowledged, ProblemGatewayDown })
	}
}

func (p *cashPayment) paid(ctx context.Context, pay billpay.Payment, excess money.Paise) {
	e := p.e
	p.update(func(s *PaymentState) { s.Phase, s.GatewayRef = PhasePrinting, pay.TxnRef })
	var credit *CreditSlip
	problem := NoProblem
	if excess > 0 {
		c, err := e.issueCredit(ctx, p.id, excess, "overpayment")
		credit = c
		if err != nil {
			problem = ProblemPrinterDown
		}
	}
	if t := e.txnState(p.id); t.Kind == kindDocument {
		if err := e.printDocument(ctx, t); err != nil {
			problem = ProblemPrinterDown
		}
	}
	if err := e.printSlip(ctx, p.id, "receipt", e.receiptSlip(e.txnState(p.id))); err != nil {
		problem = ProblemPrinterDown
	}
	e.record(p.id, recEnd, body{Phase: PhaseDone, Problem: problem})
	p.update(func(s *PaymentState) { s.Phase, s.Credit, s.Problem = PhaseDone, credit, problem })
}

// postUntilDefinite posts what t buys — a bill payment or a document order
// — until the back-end gives a definite SUCCESS or FAILURE, journaling the
// intent before the first request. Every retry is safe because it carries
// the same idempotency key (the transaction id) and asks the status before
// each (re)send: the back-end answers a repeat with the original. It gives
// up after attempts tries with backoff, returning the last error (the
// fate is then unknown). Both kinds answer in billpay's shape, so the money
// rules (paid, credited, acknowledged) are the same code for both.
func (e *Engine) postUntilDefinite(ctx context.Context, t txn, attempts int) (billpay.Payment, error) {
	post, amount, what := e.postPayment, t.Bill.Amount, "payment"
	if t.Kind == kindDocument {
		if e.cfg.Documents == nil {
			// A start without the document back-end: the order stays
			// unresolved (acknowledged) until one is configured.
			return billpay.Payment{}, fmt.Errorf("engine: %s: document back-end not configured", t.ID)
		}
		post, amount, what = e.postOrder, t.Doc.Fee, "order"
	}
	if !t.PayIntent {
		if err := e.record(t.ID, recPayIntent, body{Key: t.ID, Amount: amount}); err != nil {
			return billpay.Payment{}, err
		}
	}
	var lastErr error
	backoff := e.cfg.PayBackoff
	for i := range attempts {
		if i > 0 {
			select {
			case <-time.After(backoff):
			case <-e.stop:
				return billpay.Payment{}, fmt.Errorf("engine: stopping: %w", lastErr)
			}
			backoff *= 2
		}
		rctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
		st, err := post(rctx, t)
		cancel()
		if err != nil {
			lastErr = err
			if !errors.Is(err, billpay.ErrUnavailable) && !errors.Is(err, documents.ErrUnavailable) {
				// Refused outright (bill already paid elsewhere, amount
				// changed, document withdrawn): definite, the money is
				// owed back.
				st = billpay.Payment{IdempotencyKey: t.ID, Status: billpay.Failure, Reason: err.Error()}
			} else {
				continue
			}
		}
		switch st.Status {
		case billpay.Success, billpay.Failure:
			if err := e.record(t.ID, recPayResult, body{Key: t.ID, Status: st.Status, Ref: st.TxnRef, Reason: st.Reason}); err != nil {
				return billpay.Payment{}, err
			}
			return st, nil
		case billpay.Pending:
			lastErr = fmt.Errorf("engine: %s %s pending upstream", what, t.ID)
		default:
			lastErr = fmt.Errorf("engine: %s %s: unexpected status %q", what, t.ID, st.Status)
		}
	}
	return billpay.Payment{}, lastErr
}

// postPayment is one try of t's bill payment: first ask, since a previous
// try (or a previous life of this process) may already have posted it.
func (e *Engine) postPayment(ctx context.Context, t txn) (billpay.Payment, error) {
	st, err := e.cfg.Bills.PaymentStatus(ctx, t.ID)
	if err == nil && st.Status == billpay.Unknown {
		st, err = e.cfg.Bills.Pay(ctx, billpay.PayRequest{IdempotencyKey: t.ID, BillerID: t.Bill.BillerID,
			CustomerRef: t.Bill.CustomerRef, BillNumber: t.Bill.BillNumber, FetchRef: t.Bill.FetchRef,
			Amount: t.Bill.Amount, Mode: "Cash", Channel: "KIOSK", KioskID: e.cfg.KioskID})
	}
	return st, err
}
