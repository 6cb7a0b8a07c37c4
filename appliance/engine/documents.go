package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/documents"
)

// DocumentStamp is what the kiosk adds to a printed document: where and
// when it was printed, for the footer.
type DocumentStamp struct {
	KioskID   string
	KioskName string
	TxnID     string
	Time      time.Time
}

// DocumentSpecs implements Kiosk.
func (e *Engine) DocumentSpecs(ctx context.Context) ([]documents.RefSpec, error) {
	if e.cfg.Documents == nil {
		return nil, ErrServiceUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	return e.cfg.Documents.Specs(ctx)
}

// FindDocument implements Kiosk.
func (e *Engine) FindDocument(ctx context.Context, kind documents.Kind, ref string) (documents.Document, error) {
	if e.cfg.Documents == nil || e.cfg.PagePrinter == nil {
		return documents.Document{}, ErrServiceUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	return e.cfg.Documents.Find(ctx, kind, ref)
}

// DocumentCharge implements Kiosk.
func (e *Engine) DocumentCharge(doc documents.Document) money.Paise { return e.cfg.DocumentCharge }

// postOrder is one try of t's document order, asked first like
// postPayment, and answered in billpay's shape for postUntilDefinite.
func (e *Engine) postOrder(ctx context.Context, t txn) (billpay.Payment, error) {
	o, err := e.cfg.Documents.OrderStatus(ctx, t.ID)
	if err == nil && o.Status == documents.Unknown {
		o, err = e.cfg.Documents.Order(ctx, documents.OrderRequest{IdempotencyKey: t.ID, DocumentID: t.Doc.ID, Fee: t.Doc.Fee, KioskID: e.cfg.KioskID})
	}
	if err != nil {
		return billpay.Payment{}, err
	}
	return billpay.Payment{IdempotencyKey: t.ID, Status: billpay.Status(o.Status), Amount: o.Fee, TxnRef: o.Ref, Reason: o.Reason}, nil
}

// printDocument fetches the paid document's content, lays it out and
// prints it on the A4 printer, journaling intent and outcome like any
// print. A failure leaves the order paid and the document reprintable.
func (e *Engine) printDocument(ctx context.Context, t txn) error {
	if err := e.record(t.ID, recPrintIntent, body{What: "document"}); err != nil {
		return err
	}
	err := func() error {
		if e.cfg.RenderDocument == nil {
			return fmt.Errorf("engine: no document layout configured")
		}
		rctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
		c, err := e.cfg.Documents.Content(rctx, t.ID)
		cancel()
		if err != nil {
			return err
		}
		pages, err := e.cfg.RenderDocument(c, DocumentStamp{KioskID: e.cfg.KioskID, KioskName: e.cfg.KioskName, TxnID: t.ID, Time: e.cfg.Now()})
		if err != nil {
			return err
		}
		e.docMu.Lock()
		defer e.docMu.Unlock()
		_, err = e.cfg.PagePrinter.PrintDocument(ctx, printer.Document{Name: "document " + t.ID, Pages: pages, DPI: e.cfg.DocumentDPI, Copies: 1})
		return err
	}()
	b := body{What: "document"}
	if err != nil {
		b.Error = err.Error()
		e.cfg.Log.Printf("%s: print document: %v", t.ID, err)
	}
	if jerr := e.record(t.ID, recPrinted, b); jerr != nil {
		return jerr
	}
	return err
}

// PendingPrint is a finished, paid transaction whose receipt or document
// did not print (paper out, printer off): the citizen or the operator asks
// for it again.
type PendingPrint struct {
	TxnID    string
	Receipt  bool // the receipt is owed
	Document bool // the A4 document is owed
}

// PendingPrints lists what is owed, oldest first.
func (e *Engine) PendingPrints() []PendingPrint {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []PendingPrint
	for _, id := range e.order {
		t := e.txns[id]
		if t.Final != PhaseDone || t.PayStatus != billpay.Success {
			continue
		}
		pp := PendingPrint{TxnID: id, Receipt: !t.ReceiptPrinted, Document: t.Kind == kindDocument && !t.DocPrinted}
		if pp.Receipt || pp.Document {
			out = append(out, pp)
		}
	}
	return out
}

// Reprint prints what txnID still owes (its document, its receipt). The
// order or payment is never posted again: only the journaled facts are
// printed.
func (e *Engine) Reprint(ctx context.Context, txnID string) error {
	t := e.txnState(txnID)
	if t.ID == "" {
		return fmt.Errorf("engine: reprint: no transaction %s", txnID)
	}
	if t.PayStatus != billpay.Success {
		return fmt.Errorf("engine: reprint: %s was not paid (%s)", txnID, t.Final)
	}
	if t.Kind == kindDocument && !t.DocPrinted {
		if err := e.printDocument(ctx, t); err != nil {
			return err
		}
	}
	if !t.ReceiptPrinted {
		return e.printSlip(ctx, txnID, "receipt", e.receiptSlip(e.txnState(txnID)))
	}
	return nil
}
