package sandbox

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// Names of the data files in the data directory.
const (
	billersFile = "billers.json"
	billsFile   = "bills.json"
)

// billRecord is one customer account as stored in bills.json. The customer
// name is stored in full and masked on every answer.
type billRecord struct {
	BillerID     string      `json:"biller_id"`
	CustomerRef  string      `json:"customer_ref"`
	CustomerName string      `json:"customer_name"`
	BillNumber   string      `json:"bill_number"` // empty when nothing is due
	Amount       money.Paise `json:"amount"`      // 0 when nothing is due
	BillDate     string      `json:"bill_date"`
	DueDate      string      `json:"due_date"`
	Note         string      `json:"note,omitempty"` // for testers: why this account is here
}

// isDue reports whether the account has a bill to pay at all.
func (r billRecord) isDue() bool { return r.Amount > 0 }

// accountKey indexes accounts and paid bills.
type accountKey struct{ biller, ref string }

// catalogue is the gateway's immutable data: billers and accounts.
type catalogue struct {
	billers  []billpay.Biller
	patterns map[string]*regexp.Regexp
	accounts map[accountKey]billRecord
}

func (c *catalogue) biller(id string) (billpay.Biller, bool) {
	for _, b := range c.billers {
		if b.ID == id {
			return b, true
		}
	}
	return billpay.Biller{}, false
}

// validRef checks ref with the biller's compiled pattern; the error wraps
// billpay.ErrInvalidRef.
func (c *catalogue) validRef(b billpay.Biller, ref string) error {
	if !c.patterns[b.ID].MatchString(ref) {
		return fmt.Errorf("%w: %q is not a valid %s for %s", billpay.ErrInvalidRef, ref, b.RefLabel, b.ID)
	}
	return nil
}

// loadCatalogue reads billers.json and bills.json from data.
func loadCatalogue(data fs.FS) (*catalogue, error) {
	billers, err := fs.ReadFile(data, billersFile)
	if err != nil {
		return nil, fmt.Errorf("sandbox: data: %w", err)
	}
	bills, err := fs.ReadFile(data, billsFile)
	if err != nil {
		return nil, fmt.Errorf("sandbox: data: %w", err)
	}
	return parseCatalogue(billers, bills)
}

// dateRE is the YYYY-MM-DD the Bill contract promises.
var dateRE = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)

// parseCatalogue decodes and checks the two data files. The checks are the
// ones whose violation would make the gateway answer nonsense: a tester's
// typo in a data file must stop the start with the line to fix, not surface
// as a wrong bill at a kiosk.
func parseCatalogue(billersJSON, billsJSON []byte) (*catalogue, error) {
	c := &catalogue{patterns: map[string]*regexp.Regexp{}, accounts: map[accountKey]billRecord{}}
	if err := json.Unmarshal(billersJSON, &c.billers); err != nil {
		return nil, fmt.Errorf("sandbox: data: %s: %w", billersFile, err)
	}
	for i, b := range c.billers {
		if b.ID == "" || b.Name == "" || b.RefPattern == "" {
			return nil, fmt.Errorf("sandbox: data: %s: biller #%d: id, name and ref_pattern are required", billersFile, i+1)
		}
		switch b.Category {
		case billpay.Electricity, billpay.Water, billpay.Telephone, billpay.Mobile:
		default:
			return nil, fmt.Errorf("sandbox: data: %s: biller %s: unknown category %q", billersFile, b.ID, b.Category)
		}
		if _, dup := c.patterns[b.ID]; dup {
			return nil, fmt.Errorf("sandbox: data: %s: biller %s listed twice", billersFile, b.ID)
		}
		re, err := regexp.Compile(b.RefPattern)
		if err != nil {
			return nil, fmt.Errorf("sandbox: data: %s: biller %s: ref_pattern: %w", billersFile, b.ID, err)
		}
		c.patterns[b.ID] = re
	}
	var bills []billRecord
	if err := json.Unmarshal(billsJSON, &bills); err != nil {
		return nil, fmt.Errorf("sandbox: data: %s: %w", billsFile, err)
	}
	for i, r := range bills {
		where := fmt.Sprintf("sandbox: data: %s: account #%d (%s %s)", billsFile, i+1, r.BillerID, r.CustomerRef)
		b, ok := c.biller(r.BillerID)
		if !ok {
			return nil, fmt.Errorf("%s: unknown biller", where)
		}
		if err := c.validRef(b, r.CustomerRef); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if r.CustomerName == "" {
			return nil, fmt.Errorf("%s: customer_name is required", where)
		}
		switch {
		case r.Amount < 0:
			return nil, fmt.Errorf("%s: negative amount %d", where, r.Amount)
		case r.isDue() && (r.BillNumber == "" || !dateRE.MatchString(r.BillDate) || !dateRE.MatchString(r.DueDate)):
			return nil, fmt.Errorf("%s: a bill due needs bill_number, bill_date and due_date (YYYY-MM-DD)", where)
		}
		k := accountKey{r.BillerID, r.CustomerRef}
		if _, dup := c.accounts[k]; dup {
			return nil, fmt.Errorf("%s: account listed twice", where)
		}
		c.accounts[k] = r
	}
	return c, nil
}
