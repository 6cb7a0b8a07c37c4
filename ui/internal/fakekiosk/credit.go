package fakekiosk

import (
	"fmt"
	"strings"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
)

// IssueCredit adds an outstanding credit slip the UI tests can redeem.
func (k *Kiosk) IssueCredit(c engine.CreditSlip) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.credits == nil {
		k.credits = map[string]*fakeCredit{}
	}
	k.credits[c.Code] = &fakeCredit{slip: c}
}

type fakeCredit struct {
	slip  engine.CreditSlip
	spent bool
}

// LookupCredit implements engine.Kiosk with the engine's error values, so
// the UI's messages for each are exercised.
func (k *Kiosk) LookupCredit(code string) (engine.CreditSlip, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lookupLocked(code)
}

func (k *Kiosk) lookupLocked(code string) (engine.CreditSlip, error) {
	code = strings.NewReplacer(" ", "", "-", "").Replace(code)
	if len(code) != 12 || strings.Trim(code, "0123456789") != "" {
		return engine.CreditSlip{}, engine.ErrCreditFormat
	}
	if k.badCodes >= 5 {
		return engine.CreditSlip{}, engine.ErrCreditLocked
	}
	c, ok := k.credits[code]
	if !ok {
		k.badCodes++
		return engine.CreditSlip{}, engine.ErrCreditUnknown
	}
	if c.spent {
		return engine.CreditSlip{}, engine.ErrCreditSpent
	}
	return c.slip, nil
}

func (k *Kiosk) spendCredits(codes []string) (money.Paise, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var sum money.Paise
	var found []*fakeCredit
	for _, code := range codes {
		c, err := k.lookupLocked(code)
		if err != nil {
			return 0, fmt.Errorf("fake: %w", err)
		}
		found = append(found, k.credits[c.Code])
		sum += c.Amount
	}
	for _, c := range found {
		c.spent = true
	}
	return sum, nil
}
