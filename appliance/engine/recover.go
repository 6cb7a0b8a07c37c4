package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// openTxns lists the transactions the journal shows unfinished.
func (e *Engine) openTxns() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for _, id := range e.order {
		if e.txns[id].Final == "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// powerUpNotes polls the acceptor a few times after a restart and collects
// the notes it reports having cleared from its path at power-up (eSSP NOTE
// CLEARED INTO CASHBOX / FROM FRONT). Those settle the fate of a note whose
// accept-intent was journaled but whose credit never was.
func (e *Engine) powerUpNotes(ctx context.Context) (toCashbox, toFront []money.Paise) {
	for range 3 {
		evs, err := e.cfg.Acceptor.Poll(ctx)
		if err != nil {
			e.cfg.Log.Printf("recovery: acceptor poll: %v", err)
			return
		}
		for _, ev := range evs {
			switch ev.Kind {
			case cash.ClearedToCashbox, cash.Stacked:
				toCashbox = append(toCashbox, ev.Note.Value)
			case cash.ClearedToFront, cash.Returned:
				toFront = append(toFront, ev.Note.Value)
			}
		}
	}
	return
}

func takeOne(s []money.Paise, v money.Paise) ([]money.Paise, bool) {
	for i, x := range s {
		if x == v {
			return append(s[:i:i], s[i+1:]...), true
		}
	}
	return s, false
}

// recoverOpen resolves every transaction a crash or power cut left open:
//
//   - a note accepted but not credited: the acceptor's power-up report
//     says cashbox or front; if it says nothing the note is recorded as
//     unresolved for the operator's cashbox count (never guessed);
//   - payment known SUCCESS: the receipt is printed (and an overpaid excess
//     credited) if that had not happened;
//   - payment known FAILURE, or never sent with cash short of the amount:
//     a credit slip for what was stacked;
//   - full amount stacked but the payment never sent: it is sent now — the
//     citizen asked for it and the money is in the box;
//   - payment sent, answer unknown: asked again by key; still unknown →
//     acknowledgement, and the background resolver keeps asking.
func (e *Engine) recoverOpen(ctx context.Context) error {
	// The acceptor's first polls report its power-up (and any note it
	// cleared from its path); they are read before anything else so that a
	// payment's first poll does not mistake them for a fault.
	e.powerUp.toCashbox, e.powerUp.toFront = e.powerUpNotes(ctx)
	ids := e.openTxns()
	if len(ids) == 0 {
		return nil
	}
	cashbox, front := e.powerUp.toCashbox, e.powerUp.toFront
	for _, id := range ids {
		t := e.txnState(id)
		for _, v := range t.PendingAccepts {
			var ok bool
			if cashbox, ok = takeOne(cashbox, v); ok {
				if err := e.record(id, recStacked, body{Note: v, Recovered: true}); err != nil {
					return err
				}
			} else if front, ok = takeOne(front, v); ok {
				if err := e.record(id, recReturned, body{Note: v, Recovered: true}); err != nil {
					return err
				}
			} else if err := e.record(id, recUnresolved, body{Note: v}); err != nil {
				return err
			}
		}
		out, err := e.resolve(ctx, id, true)
		if err != nil {
			return err
		}
		e.mu.Lock()
		e.recovered = append(e.recovered, out)
		e.mu.Unlock()
		e.cfg.Log.Printf("recovery: %s", out.Summary)
	}
	return nil
}

// resolve drives one open transaction to a final phase where it can.
// printNow says whether slips may be printed (at start-up the citizen may
// still be standing there; later, from the background resolver, a slip
// would come out in front of the next citizen, so it is only journaled and
// can be reprinted on request).
func (e *Engine) resolve(ctx context.Context, id string, printNow bool) (Outcome, error) {
	t := e.txnState(id)
	if t.Kind == kindPension {
		return e.resolvePension(ctx, id, printNow)
	}
	out := Outcome{TxnID: id, Amount: t.moneyIn()}
	credit := func(amount money.Paise, reason string) (*CreditSlip, error) {
		if printNow {
			c, err := e.issueCredit(ctx, id, amount, reason)
			if c != nil {
				return c, nil // a failed print is reprintable; the credit exists
			}
			return nil, err
		}
		c := e.newCredit(id, amount, reason)
		return &c, e.record(id, recCreditIssued, body{Credit: &c})
	}
	end := func(ph Phase, p Problem, c *CreditSlip, summary string) (Outcome, error) {
		out.Phase, out.Credit, out.Summary = ph, c, id+": "+summary
		return out, e.record(id, recEnd, body{Phase: ph, Problem: p})
	}
	owed := t.moneyIn() - t.credited()
	if t.PayStatus == "" && t.PayIntent {
		_, err := e.postUntilDefinite(ctx, t, 1)
		if err != nil {
			if !t.AckIssued {
				if err := e.record(id, recAckIssued, body{Reason: err.Error()}); err != nil {
					return out, err
				}
				if printNow {
					e.printSlip(ctx, id, "ack", e.ackSlip(e.txnState(id)))
				}
			}
			out.Phase, out.Summary = PhaseAcknowledged, fmt.Sprintf("%s: payment of %v not confirmed yet (%v); resolving in the background", id, t.Bill.Amount, err)
			return out, nil
		}
		t = e.txnState(id)
	}
	if t.PayStatus == "" && !t.PayIntent && t.Due > 0 && t.moneyIn() >= t.Due {
		if _, err := e.postUntilDefinite(ctx, t, 1); err != nil {
			if err := e.record(id, recAckIssued, body{Reason: err.Error()}); err != nil {
				return out, err
			}
			out.Phase, out.Summary = PhaseAcknowledged, fmt.Sprintf("%s: full amount in, payment not yet confirmed (%v)", id, err)
			return out, nil
		}
		t = e.txnState(id)
	}
	switch t.PayStatus {
	case billpay.Success:
		var c *CreditSlip
		if excess := t.moneyIn() - t.Due - t.credited(); excess > 0 {
			var err error
			if c, err = credit(excess, "overpayment"); err != nil {
				return out, err
			}
		}
		problem := NoProblem
		if t.Kind == kindDocument && !t.DocPrinted && printNow {
			if err := e.printDocument(ctx, t); err != nil {
				problem = ProblemPrinterDown
			}
		}
		if !t.ReceiptPrinted && printNow {
			if err := e.printSlip(ctx, id, "receipt", e.receiptSlip(t)); err != nil {
				problem = ProblemPrinterDown
			}
		}
		return end(PhaseDone, problem, c, fmt.Sprintf("paid %v (ref %s)", t.Bill.Amount, t.GatewayRef))
	case billpay.Failure:
		if owed > 0 {
			c, err := credit(owed, "payment failed")
			if err != nil {
				return out, err
			}
			return end(PhaseCredited, ProblemPaymentFailed, c, fmt.Sprintf("payment failed; credit slip %s for %v", c.ID, owed))
		}
		return end(PhaseCancelled, ProblemPaymentFailed, nil, "payment failed; no cash was taken")
	}
	// Never paid and never will be: give back what was taken, as credit.
	if owed > 0 {
		c, err := credit(owed, "interrupted")
		if err != nil {
			return out, err
		}
		summary := fmt.Sprintf("interrupted; credit slip %s for %v", c.ID, owed)
		if len(t.Unresolved) > 0 {
			summary += fmt.Sprintf("; %d note(s) of unknown fate %v left for the operator's cashbox count", len(t.Unresolved), t.Unresolved)
		}
		return end(PhaseCredited, NoProblem, c, summary)
	}
	summary := "interrupted before any cash was taken"
	if len(t.Unresolved) > 0 {
		summary = fmt.Sprintf("interrupted; note(s) %v of unknown fate left for the operator's cashbox count", t.Unresolved)
	}
	return end(PhaseCancelled, NoProblem, nil, summary)
}

// resolveLoop keeps asking the gateway about payments whose outcome was
// unknown when their citizen left (acknowledgement slips).
func (e *Engine) resolveLoop() {
	defer e.done.Done()
	tick := time.NewTicker(e.cfg.ResolveInterval)
	defer tick.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-tick.C:
		}
		for _, id := range e.openTxns() {
			t := e.txnState(id)
			if !t.AckIssued {
				continue // still being handled by its own payment goroutine
			}
			out, err := e.resolve(context.Background(), id, false)
			if err != nil {
				e.cfg.Log.Printf("resolver: %s: %v", id, err)
				continue
			}
			if out.Phase.Final() && out.Phase != PhaseAcknowledged {
				e.cfg.Log.Printf("resolver: %s", out.Summary)
			}
		}
	}
}
