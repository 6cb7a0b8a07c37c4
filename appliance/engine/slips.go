package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/drivers/printer"
)

// groupRef shows a 12-digit K-number as 2101 2345 6789, easier to check.
func groupRef(ref string) string {
	if len(ref) != 12 {
		return ref
	}
	return ref[:4] + " " + ref[4:8] + " " + ref[8:]
}

// itemFields describe what t buys, and how it was paid when credit slips
// were spent on it.
func (e *Engine) itemFields(t txn) []receipt.Field {
	var fs []receipt.Field
	if t.Kind == kindDocument {
		fs = []receipt.Field{
			{LabelEn: "Document", LabelHi: "दस्तावेज़", Value: t.Doc.Title},
			{LabelEn: "Reference", LabelHi: "संदर्भ", Value: t.Doc.Ref},
			{LabelEn: "Holder", LabelHi: "धारक", Value: t.Doc.Holder},
			{LabelEn: "Department fee", LabelHi: "विभाग शुल्क", Value: money.Format(t.Doc.Fee)},
			{LabelEn: "User charge", LabelHi: "उपयोग शुल्क", Value: money.Format(t.Charge)},
		}
	} else {
		fs = []receipt.Field{
			{LabelEn: "Biller", LabelHi: "बिलर", Value: t.Bill.BillerID},
			{LabelEn: "K-number", LabelHi: "के-नंबर", Value: groupRef(t.Bill.CustomerRef)},
			{LabelEn: "Consumer", LabelHi: "उपभोक्ता", Value: t.Bill.CustomerName},
			{LabelEn: "Bill no.", LabelHi: "बिल संख्या", Value: t.Bill.BillNumber},
			{LabelEn: "Bill amount", LabelHi: "बिल राशि", Value: money.Format(t.Bill.Amount)},
			{LabelEn: "User charge", LabelHi: "उपयोग शुल्क", Value: money.Format(t.Charge)},
		}
	}
	if a := t.applied(); a > 0 {
		fs = append(fs,
			receipt.Field{LabelEn: "Credit slips", LabelHi: "क्रेडिट पर्ची", Value: money.Format(a)},
			receipt.Field{LabelEn: "Cash", LabelHi: "नकद", Value: money.Format(t.Stacked)})
	}
	return fs
}

// receiptSlip is the payment receipt. Its QR carries the signed facts a
// verifier (or the end-to-end test) needs: kiosk, transaction, bill number,
// amount paid to the biller and the gateway reference.
func (e *Engine) receiptSlip(t txn) receipt.Slip {
	refField := receipt.Field{LabelEn: "BBPS ref.", LabelHi: "बीबीपीएस संदर्भ", Value: t.GatewayRef}
	// The QR's third and fourth fields name what was bought: biller and
	// bill number, or "DOC:<kind>" and the document id.
	what, number, amount := t.Bill.BillerID, t.Bill.BillNumber, t.Bill.Amount
	if t.Kind == kindDocument {
		refField = receipt.Field{LabelEn: "Order ref.", LabelHi: "आदेश संदर्भ", Value: t.GatewayRef}
		what, number, amount = "DOC:"+string(t.Doc.Kind), t.Doc.ID, t.Doc.Fee
	}
	fields := append(e.itemFields(t), refField)
	return receipt.Slip{
		Kind: receipt.PaymentReceipt, KioskID: e.cfg.KioskID, KioskName: e.cfg.KioskName,
		Time: e.cfg.Now(), TxnID: t.ID, Fields: fields, Total: t.Due,
		QR: e.sign(strings.Join([]string{"MITRA-RCPT1", e.cfg.KioskID, t.ID, what,
			number, fmt.Sprint(int64(amount)), fmt.Sprint(int64(t.Due)), t.GatewayRef}, "|")),
		FooterEn: "Thank you. Keep this receipt.",
		FooterHi: "धन्यवाद। यह रसीद संभाल कर रखें।",
	}
}

func (e *Engine) creditSlip(t txn, c CreditSlip) receipt.Slip {
	return receipt.Slip{
		Kind: receipt.CreditSlip, KioskID: e.cfg.KioskID, KioskName: e.cfg.KioskName,
		Time: e.cfg.Now(), TxnID: t.ID,
		Fields: []receipt.Field{
			{LabelEn: "Credit code", LabelHi: "क्रेडिट कोड", Value: FormatCreditCode(c.Code)},
			{LabelEn: "Credit no.", LabelHi: "क्रेडिट संख्या", Value: c.ID},
			{LabelEn: "Reason", LabelHi: "कारण", Value: c.Reason},
		},
		Total:    c.Amount,
		QR:       e.creditQR(c),
		FooterEn: "Use once at this kiosk for a later payment.",
		FooterHi: "इस कियोस्क पर अगले भुगतान में एक बार उपयोग करें।",
	}
}

func (e *Engine) creditQR(c CreditSlip) string {
	return e.sign(strings.Join([]string{"MITRA-CREDIT1", e.cfg.KioskID, c.ID, c.TxnID, fmt.Sprint(int64(c.Amount)), c.Code}, "|"))
}

func (e *Engine) ackSlip(t txn) receipt.Slip {
	return receipt.Slip{
		Kind: receipt.Acknowledgement, KioskID: e.cfg.KioskID, KioskName: e.cfg.KioskName,
		Time: e.cfg.Now(), TxnID: t.ID, Fields: e.itemFields(t), Total: t.moneyIn(),
		QR:       e.sign(strings.Join([]string{"MITRA-ACK1", e.cfg.KioskID, t.ID, fmt.Sprint(int64(t.moneyIn()))}, "|")),
		FooterEn: "Payment is being confirmed. If it fails,\nthe amount is credited at this kiosk.",
		FooterHi: "भुगतान की पुष्टि हो रही है। विफल होने पर\nराशि इसी कियोस्क पर क्रेडिट होगी।",
	}
}

// printSlip journals the intent, prints, and journals the outcome. A failed
// print is not fatal: the slip's facts are in the journal and it can be
// printed again.
func (e *Engine) printSlip(ctx context.Context, txnID, what string, s receipt.Slip) error {
	if err := e.record(txnID, recPrintIntent, body{What: what}); err != nil {
		return err
	}
	page, err := e.cfg.RenderSlip(s, e.cfg.Printer.DotsPerLine())
	if err == nil {
		e.devMu.Lock()
		err = e.cfg.Printer.Print(ctx, printer.Job{Name: what + " " + txnID, Page: page, Cut: true})
		e.devMu.Unlock()
	}
	b := body{What: what}
	if err != nil {
		b.Error = err.Error()
		e.cfg.Log.Printf("%s: print %s: %v", txnID, what, err)
	}
	if jerr := e.record(txnID, recPrinted, b); jerr != nil {
		return jerr
	}
	return err
}

// issueCredit journals a credit slip (it exists from that moment: the money
// is owed) and then prints it.
func (e *Engine) issueCredit(ctx context.Context, txnID string, amount money.Paise, reason string) (*CreditSlip, error) {
	c := e.newCredit(txnID, amount, reason)
	if err := e.record(txnID, recCreditIssued, body{Credit: &c}); err != nil {
		return nil, err
	}
	err := e.printSlip(ctx, txnID, "credit", e.creditSlip(e.txnState(txnID), c))
	return &c, err
}
