package engine

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/journal"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// TxnSummary is one transaction as `mitractl journal list` shows it.
type TxnSummary struct {
	ID         string
	Kind       string
	Started    time.Time
	Biller     string
	BillNumber string
	Due        money.Paise
	Stacked    money.Paise
	Redeemed   money.Paise // credit slips spent on it
	Credited   money.Paise
	PayStatus  billpay.Status
	GatewayRef string
	// ReceiptPrinted: the receipt of a paid transaction came out of the
	// printer (otherwise Engine.Reprint owes it).
	ReceiptPrinted bool
	Phase          Phase // empty while open
	Problem        Problem
	Unresolved     []money.Paise
}

// history folds journal records into transactions, read-only, for the
// technician's and operator's reports.
type history struct {
	txns    map[string]*txn
	order   []string
	started map[string]time.Time
	// keep, when set, selects the records folded (a settlement's day).
	keep func(journal.Record) bool
	// each, when set, sees every folded record.
	each func(journal.Record, body)
	// credits follows every credit slip, whatever keep selects.
	credits *creditBook
}

func newHistory() *history {
	return &history{txns: map[string]*txn{}, started: map[string]time.Time{}, credits: newCreditBook()}
}

func (h *history) fold(r journal.Record) error {
	if b, ok := creditFact(r); ok {
		h.credits.apply(r, b)
	}
	if r.Txn == "" || (h.keep != nil && !h.keep(r)) {
		return nil
	}
	t, ok := h.txns[r.Txn]
	if !ok {
		t = &txn{ID: r.Txn}
		h.txns[r.Txn] = t
		h.order = append(h.order, r.Txn)
		h.started[r.Txn] = r.Time
	}
	if h.each != nil {
		var b body
		json.Unmarshal(r.Body, &b)
		h.each(r, b)
	}
	return t.apply(r)
}

// replayAll replays the archived segments and then the live journal: a
// transaction can straddle the two (its first records in a segment that
// was archived, its last in the live one).
func replayAll(stateDir string, fold func(journal.Record) error) ([]journal.Damage, error) {
	return journal.ReplayWithArchive(filepath.Join(stateDir, "journal"), fold)
}

// ListTransactions reads the journal under stateDir (archive included)
// without writing to it and summarises every transaction, in order. Damaged journal ranges are
// returned for the report.
func ListTransactions(stateDir string) ([]TxnSummary, []journal.Damage, error) {
	txns, _, dmg, err := listWithCredits(stateDir)
	return txns, dmg, err
}

func listWithCredits(stateDir string) ([]TxnSummary, *creditBook, []journal.Damage, error) {
	h := newHistory()
	dmg, err := replayAll(stateDir, h.fold)
	if err != nil {
		return nil, nil, dmg, err
	}
	out := make([]TxnSummary, 0, len(h.order))
	for _, id := range h.order {
		t := h.txns[id]
		biller, number := t.Bill.BillerID, t.Bill.BillNumber
		switch t.Kind {
		case kindDocument:
			biller, number = "DOC:"+string(t.Doc.Kind), t.Doc.ID
		case kindPension:
			biller, number = "PENSION", t.PensionPPO
		}
		out = append(out, TxnSummary{ID: id, Kind: t.Kind, Started: h.started[id], Biller: biller,
			BillNumber: number, Due: t.Due, Stacked: t.Stacked, Redeemed: t.applied(), Credited: t.credited(),
			PayStatus: t.PayStatus, GatewayRef: t.GatewayRef, ReceiptPrinted: t.ReceiptPrinted, Phase: t.Final, Problem: t.Problem, Unresolved: t.Unresolved})
	}
	return out, h.credits, dmg, nil
}

// Check verifies the money invariants on a state directory's journal and
// returns one line per violation (none = consistent):
//
//   - no transaction is open (a running kiosk may have one in progress, and
//     an acknowledged payment stays open until the gateway answers);
//   - for every transaction, cash stacked + credit slips spent = due (if
//     the payment succeeded) + credits issued, so no rupee is unaccounted
//     for;
//   - every credit slip spent was issued, and none was spent twice.
//
// Notes of unknown fate (accepted, credit never reported: a jam, or power
// lost at that instant with an acceptor that reported nothing) are not
// violations — nothing was counted wrongly — but are returned in attention:
// the operator's cashbox count settles them.
func Check(stateDir string) (violations, attention []string, err error) {
	txns, book, dmg, err := listWithCredits(stateDir)
	if err != nil {
		return nil, nil, err
	}
	violations = append(violations, book.violations...)
	for _, d := range dmg {
		if !d.Tail {
			violations = append(violations, "journal damage: "+d.String())
		}
	}
	for _, t := range txns {
		if t.Phase == "" {
			violations = append(violations, fmt.Sprintf("%s is open (cash in %v, payment %q)", t.ID, t.Stacked, t.PayStatus))
			continue
		}
		var paid money.Paise
		if t.PayStatus == billpay.Success {
			paid = t.Due
		}
		if t.Stacked+t.Redeemed != paid+t.Credited {
			violations = append(violations, fmt.Sprintf("%s: cash in %v + credit slips spent %v ≠ paid %v + credited %v", t.ID, t.Stacked, t.Redeemed, paid, t.Credited))
		}
		if len(t.Unresolved) > 0 {
			attention = append(attention, fmt.Sprintf("%s: note(s) %v of unknown fate: count the cashbox", t.ID, t.Unresolved))
		}
	}
	return violations, attention, nil
}
