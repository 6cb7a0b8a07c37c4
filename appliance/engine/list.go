package engine

import (
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
	Credited   money.Paise
	PayStatus  billpay.Status
	GatewayRef string
	Phase      Phase // empty while open
	Problem    Problem
	Unresolved []money.Paise
}

// ListTransactions reads the journal under stateDir without writing to it
// and summarises every transaction, in order. Damaged journal ranges are
// returned for the report.
func ListTransactions(stateDir string) ([]TxnSummary, []journal.Damage, error) {
	txns := map[string]*txn{}
	var order []string
	started := map[string]time.Time{}
	dmg, err := journal.Replay(filepath.Join(stateDir, "journal"), func(r journal.Record) error {
		if r.Txn == "" {
			return nil
		}
		t, ok := txns[r.Txn]
		if !ok {
			t = &txn{ID: r.Txn}
			txns[r.Txn] = t
			order = append(order, r.Txn)
			started[r.Txn] = r.Time
		}
		return t.apply(r)
	})
	if err != nil {
		return nil, dmg, err
	}
	out := make([]TxnSummary, 0, len(order))
	for _, id := range order {
		t := txns[id]
		out = append(out, TxnSummary{ID: id, Kind: t.Kind, Started: started[id], Biller: t.Bill.BillerID,
			BillNumber: t.Bill.BillNumber, Due: t.Due, Stacked: t.Stacked, Credited: t.credited(),
			PayStatus: t.PayStatus, GatewayRef: t.GatewayRef, Phase: t.Final, Problem: t.Problem, Unresolved: t.Unresolved})
	}
	return out, dmg, nil
}
