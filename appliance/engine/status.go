package engine

import (
	"context"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/services/status"
)

// A status look-up reads a back-end and shows the answer: no money moves
// and nothing happens in the world, so the look-up itself is not a
// transaction and is not journaled (nor is the answer kept: it may name a
// pensioner or a litigant). Printing the answer is a side effect, so a
// printed status slip is a small transaction of its own:
//
//	txn-begin (kind status-print, the kind and the printable reference)
//	→ print-intent → printed → txn-end
//
// A power cut in the middle leaves it open; recovery closes it as
// interrupted (nothing owed: the citizen looks it up again).

const kindStatusPrint = "status-print"

// StatusSpecs implements Kiosk.
func (e *Engine) StatusSpecs(ctx context.Context) ([]status.RefSpec, error) {
	if e.cfg.Status == nil {
		return nil, ErrServiceUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	return e.cfg.Status.Specs(ctx)
}

// LookupStatus implements Kiosk.
func (e *Engine) LookupStatus(ctx context.Context, kind status.Kind, ref, option string) (status.Result, error) {
	if e.cfg.Status == nil {
		return status.Result{}, ErrServiceUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	return e.cfg.Status.Lookup(ctx, kind, ref, option)
}

// PrintStatus implements Kiosk: r printed as a slip on the receipt printer.
// The journal keeps only the kind and the printable (masked) reference.
func (e *Engine) PrintStatus(ctx context.Context, r status.Result) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("engine: print status: %w", err)
	}
	id := e.newTxnID()
	if err := e.record(id, recBegin, body{Kind: kindStatusPrint, What: string(r.Kind), Ref: r.Ref}); err != nil {
		return err
	}
	var fields []receipt.Field
	for _, l := range r.Lines() {
		v := l.Value
		if l.ValueHi != "" && l.ValueHi != l.Value {
			v = l.ValueHi + " / " + l.Value
		}
		label := l.Label
		fields = append(fields, receipt.Field{LabelEn: label, LabelHi: l.LabelHi, Value: v})
	}
	slip := receipt.Slip{Kind: receipt.StatusSlip, KioskID: e.cfg.KioskID, KioskName: e.cfg.KioskName,
		Time: e.cfg.Now(), TxnID: id, Fields: fields,
		FooterEn: "A copy of the department's answer at the time printed.",
		FooterHi: "छपाई के समय विभाग के उत्तर की प्रति।"}
	err := e.printSlip(ctx, id, "status", slip)
	problem := NoProblem
	if err != nil {
		problem = ProblemPrinterDown
	}
	if jerr := e.record(id, recEnd, body{Phase: PhaseDone, Problem: problem}); jerr != nil {
		return jerr
	}
	return err
}
