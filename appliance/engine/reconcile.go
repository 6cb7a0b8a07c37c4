package engine

import (
	"fmt"
	"sort"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// Mismatch is one disagreement between the journal and the gateway's
// report. Severe ones mean money counted twice or lost (a payment the
// gateway made while the kiosk credited the citizen, or the reverse); the
// others resolve themselves (the background resolver) or need a look.
type Mismatch struct {
	Key     string // the transaction id = idempotency key
	Journal string // what the journal says
	Gateway string // what the gateway says
	Severe  bool
	Advice  string
}

func (m Mismatch) String() string {
	sev := "check"
	if m.Severe {
		sev = "SEVERE"
	}
	return fmt.Sprintf("%s %s: journal %s; gateway %s — %s", sev, m.Key, m.Journal, m.Gateway, m.Advice)
}

// Reconciliation is the day's comparison of journal and gateway.
type Reconciliation struct {
	Date       string
	KioskID    string
	Matched    int         // payments both sides agree on
	MatchedSum money.Paise // their amount (bill amounts, without user charges)
	Mismatches []Mismatch
}

// Reconcile compares the transactions the journal in stateDir started on
// date (IST) with the gateway's report of the payments kioskID posted that
// day. Transactions that never asked for a payment (cancelled before the
// amount was in) are not the gateway's business and are skipped.
//
// A payment posted just after midnight for a transaction started before it
// shows in the next day's report: run the next day's reconciliation too
// before acting on a "missing upstream" line near midnight.
func Reconcile(stateDir, kioskID, date string, report []billpay.Payment) (Reconciliation, error) {
	day, err := time.ParseInLocation("2006-01-02", date, receipt.IST)
	if err != nil {
		return Reconciliation{}, fmt.Errorf("engine: reconcile: date %q: use YYYY-MM-DD", date)
	}
	rec := Reconciliation{Date: date, KioskID: kioskID}
	h := newHistory()
	if _, err := replayAll(stateDir, h.fold); err != nil {
		return rec, err
	}
	upstream := map[string]billpay.Payment{}
	for _, p := range report {
		if _, dup := upstream[p.IdempotencyKey]; dup {
			rec.Mismatches = append(rec.Mismatches, Mismatch{Key: p.IdempotencyKey, Journal: "one payment",
				Gateway: "reported twice", Severe: true, Advice: "the gateway holds two payments under one key: raise with the gateway"})
		}
		upstream[p.IdempotencyKey] = p
	}
	inDay := func(t time.Time) bool {
		lt := t.In(receipt.IST)
		return !lt.Before(day) && lt.Before(day.AddDate(0, 0, 1))
	}
	seen := map[string]bool{}
	for _, id := range h.order {
		t := h.txns[id]
		seen[id] = true
		p, ok := upstream[id]
		if !inDay(h.started[id]) || (!t.PayIntent && !ok) || t.Kind != kindBill {
			// Document orders, life certificates and status slips are
			// other back-ends' business, not in the bill gateway's report.
			continue
		}
		j := journalSays(t)
		switch {
		case !ok:
			m := Mismatch{Key: id, Journal: j, Gateway: "no payment"}
			switch {
			case t.PayStatus == billpay.Success:
				m.Severe, m.Advice = true, "the receipt was printed for a payment the gateway does not report: raise with the gateway with the receipt's reference "+t.GatewayRef
			case t.Final == "":
				m.Advice = "not yet resolved; the kiosk keeps asking"
			default:
				m.Advice = "consistent (the payment never reached the gateway), listed because the payment was attempted"
				continue
			}
			rec.Mismatches = append(rec.Mismatches, m)
		case p.Status == billpay.Success && t.PayStatus == billpay.Success:
			if p.Amount != t.Bill.Amount {
				rec.Mismatches = append(rec.Mismatches, Mismatch{Key: id, Journal: j, Gateway: gatewaySays(p), Severe: true,
					Advice: "amounts differ: raise with the gateway"})
				continue
			}
			rec.Matched++
			rec.MatchedSum += p.Amount
		case p.Status == billpay.Success:
			m := Mismatch{Key: id, Journal: j, Gateway: gatewaySays(p)}
			if t.Final == "" {
				m.Advice = "the kiosk will learn of the success at its next resolver pass"
			} else {
				m.Severe, m.Advice = true, "the biller was paid AND the citizen got the money back as credit: recover the credit or reverse the payment"
			}
			rec.Mismatches = append(rec.Mismatches, m)
		case t.PayStatus == billpay.Success:
			rec.Mismatches = append(rec.Mismatches, Mismatch{Key: id, Journal: j, Gateway: gatewaySays(p), Severe: true,
				Advice: "the receipt says paid, the gateway does not: raise with the gateway"})
		case p.Status == billpay.Pending || t.Final == "":
			rec.Mismatches = append(rec.Mismatches, Mismatch{Key: id, Journal: j, Gateway: gatewaySays(p),
				Advice: "still being resolved"})
		default:
			// Failed on both sides: the citizen got a credit; nothing to do.
		}
	}
	for _, p := range report {
		if !seen[p.IdempotencyKey] {
			m := Mismatch{Key: p.IdempotencyKey, Journal: "no such transaction", Gateway: gatewaySays(p),
				Advice: "a payment under this kiosk's id the journal never made (a lost journal, or another device using the kiosk's id)"}
			m.Severe = p.Status == billpay.Success
			rec.Mismatches = append(rec.Mismatches, m)
		}
	}
	sort.SliceStable(rec.Mismatches, func(i, j int) bool { return rec.Mismatches[i].Severe && !rec.Mismatches[j].Severe })
	return rec, nil
}

func journalSays(t *txn) string {
	switch {
	case t.PayStatus == billpay.Success:
		return fmt.Sprintf("paid %v (ref %s)", t.Bill.Amount, t.GatewayRef)
	case t.PayStatus == billpay.Failure:
		return fmt.Sprintf("failed (%s), %v credited", t.PayReason, t.credited())
	case t.Final == "":
		return "awaiting the gateway's answer"
	}
	return fmt.Sprintf("not paid (%s), %v credited", t.Final, t.credited())
}

func gatewaySays(p billpay.Payment) string {
	s := fmt.Sprintf("%s %v", p.Status, p.Amount)
	if p.TxnRef != "" {
		s += " ref " + p.TxnRef
	}
	return s
}
