package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/journal"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// Settlement is one day's cash account of a kiosk, as the operator settles
// it against the cashbox.
type Settlement struct {
	Date string // YYYY-MM-DD, India Standard Time
	// Notes counts the notes the journal says went into the cashbox, by
	// value.
	Notes map[money.Paise]int
	// CashIn is their total.
	CashIn money.Paise
	// Paid is the bills paid (amount due incl. user charges) and Charges
	// the kiosk's user charges within it.
	Paid     money.Paise
	Payments int
	Charges  money.Paise
	// Credits issued that day (owed to citizens).
	Credits     money.Paise
	CreditSlips int
	// Redeemed is the value of credit slips spent that day (issued any day):
	// money that paid bills without entering the cashbox.
	Redeemed      money.Paise
	RedeemedSlips int
	Acknowledged  money.Paise // cash in for payments still unconfirmed upstream
	// Unresolved notes: accepted, never reported stacked (a jam).
	Unresolved money.Paise
	// Difference = CashIn + Redeemed − Paid − Credits − Acknowledged; 0 when the
	// journal balances.
	Difference money.Paise
	// Counted is the operator's count of the cashbox, when recorded, and
	// CountDifference = Counted − CashIn.
	Counted         *money.Paise
	CountDifference money.Paise
}

// Settle computes the settlement of date (IST) from the journal in
// stateDir, including archived segments, and the operator's recorded count
// if any.
func Settle(stateDir, date string) (Settlement, error) {
	day, err := time.ParseInLocation("2006-01-02", date, receipt.IST)
	if err != nil {
		return Settlement{}, fmt.Errorf("engine: settle: date %q: use YYYY-MM-DD", date)
	}
	s := Settlement{Date: date, Notes: map[money.Paise]int{}}
	h := newHistory()
	h.keep = func(r journal.Record) bool {
		lt := r.Time.In(receipt.IST)
		return !lt.Before(day) && lt.Before(day.AddDate(0, 0, 1))
	}
	h.each = func(r journal.Record, b body) {
		if r.Type == recStacked {
			s.Notes[b.Note]++
		}
	}
	if _, err := replayAll(stateDir, h.fold); err != nil {
		return s, err
	}
	for _, id := range h.order {
		t := h.txns[id]
		s.CashIn += t.Stacked
		s.Credits += t.credited()
		s.CreditSlips += len(t.Credits)
		s.Redeemed += t.applied()
		s.RedeemedSlips += len(t.Applied)
		for _, u := range t.Unresolved {
			s.Unresolved += u
		}
		switch {
		case t.PayStatus == billpay.Success:
			s.Paid += t.Due
			s.Charges += t.Charge
			s.Payments++
		case t.Final == "" && t.AckIssued:
			s.Acknowledged += t.moneyIn() - t.credited()
		}
	}
	s.Difference = s.CashIn + s.Redeemed - s.Paid - s.Credits - s.Acknowledged
	if c, err := readCount(stateDir, date); err != nil {
		return s, err
	} else if c != nil {
		s.Counted = c
		s.CountDifference = *c - s.CashIn
	}
	return s, nil
}

// Denominations lists the note values of s in ascending order.
func (s Settlement) Denominations() []money.Paise {
	var vs []money.Paise
	for v := range s.Notes {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	return vs
}

type countRecord struct {
	Date     string      `json:"date"`
	Counted  money.Paise `json:"counted"`
	Operator string      `json:"operator"`
	At       time.Time   `json:"at"`
}

const countsFile = "cashbox-counts.jsonl"

// RecordCount appends the operator's cashbox count for date. It is kept
// apart from the journal, which only the running kiosk writes.
func RecordCount(stateDir, date string, counted money.Paise, operator string) error {
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return fmt.Errorf("engine: count: date %q: use YYYY-MM-DD", date)
	}
	b, _ := json.Marshal(countRecord{Date: date, Counted: counted, Operator: operator, At: time.Now().UTC()})
	f, err := os.OpenFile(filepath.Join(stateDir, countsFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("engine: count: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("engine: count: %w", err)
	}
	return f.Sync()
}

// readCount returns the latest recorded count for date, or nil.
func readCount(stateDir, date string) (*money.Paise, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, countsFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("engine: counts: %w", err)
	}
	var last *money.Paise
	for _, line := range splitLines(b) {
		var c countRecord
		if json.Unmarshal(line, &c) == nil && c.Date == date {
			v := c.Counted
			last = &v
		}
	}
	return last, nil
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if i > 0 {
			out = append(out, b[:i])
		}
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return out
}
