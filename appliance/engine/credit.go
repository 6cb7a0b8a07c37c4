package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mitra-kiosk/mitra/appliance/journal"
	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Credit slips are bearer vouchers: whoever holds the paper may spend it, once,
// at the kiosk that printed it. The citizen types the slip's 12-digit code on
// the keypad (a kiosk has no scanner), so the code must be short, typeable
// and unguessable:
//
//	SSSSSS AAAAAA
//	serial  authenticator
//
// The serial numbers credits in issue order (it finds the slip in the
// book); the authenticator is an HMAC of the credit's identity under a
// secret derived from the kiosk's signing key, so a guessed code matches an
// outstanding credit with probability 10⁻⁶ per try, and a session is locked
// out of redemption after maxCodeAttempts wrong codes.
//
// Redemption is journaled as "credit-applied" in the spending transaction
// BEFORE anything else happens in it: from that record on, the credit's value
// is money in that transaction exactly like a stacked note, and it flows out
// the same ways — paid upstream, or back to the citizen as a new credit slip
// when the payment does not happen. A credit is therefore spent at most
// once, and never lost.

// maxCodeAttempts bounds wrong credit codes per citizen session.
const maxCodeAttempts = 5

// Errors of credit redemption, for the UI to explain.
var (
	ErrCreditUnknown = errors.New("engine: no credit slip with that code was issued by this kiosk")
	ErrCreditSpent   = errors.New("engine: this credit slip has already been used")
	ErrCreditLocked  = errors.New("engine: too many wrong credit codes in this session")
	ErrCreditFormat  = errors.New("engine: a credit code has 12 digits")
)

// recCreditApplied spends a credit slip in the transaction it is recorded
// in; recCreditsCarried restates the outstanding credits (Txn "") so that
// journal segments holding their issue can be archived (see carryCredits).
const (
	recCreditApplied  = "credit-applied"
	recCreditsCarried = "credits-carried"
)

// creditEntry is one credit slip's life: issued, then perhaps spent.
type creditEntry struct {
	Slip    CreditSlip
	SpentBy string // transaction that spent it; "" = outstanding
}

// creditBook is every credit slip this kiosk issued and its state, folded
// from the journal (the live engine and the read-only reports share it).
type creditBook struct {
	byCode     map[string]*creditEntry
	maxSerial  int
	violations []string // double spends and spends of unknown credits (Check)
}

func newCreditBook() *creditBook { return &creditBook{byCode: map[string]*creditEntry{}} }

// creditFact decodes r when it says something about credit slips; other
// records are not parsed twice.
func creditFact(r journal.Record) (body, bool) {
	switch r.Type {
	case recCreditIssued, recCreditApplied, recCreditsCarried:
		var b body
		if json.Unmarshal(r.Body, &b) == nil {
			return b, true
		}
	}
	return body{}, false
}

// serialOf is the serial part of a code.
func serialOf(code string) int {
	var n int
	if len(code) == 12 {
		fmt.Sscanf(code[:6], "%d", &n)
	}
	return n
}

// apply folds the credit-related facts of one record.
func (cb *creditBook) apply(r journal.Record, b body) {
	switch r.Type {
	case recCreditIssued:
		if b.Credit != nil && b.Credit.Code != "" {
			if _, ok := cb.byCode[b.Credit.Code]; !ok {
				cb.byCode[b.Credit.Code] = &creditEntry{Slip: *b.Credit}
			}
			cb.maxSerial = max(cb.maxSerial, serialOf(b.Credit.Code))
		}
	case recCreditApplied:
		if b.Credit == nil {
			return
		}
		ce, ok := cb.byCode[b.Credit.Code]
		switch {
		case !ok:
			// Issued in a segment that was archived without a carry
			// record: impossible by construction, so report it.
			cb.violations = append(cb.violations, fmt.Sprintf("%s spent credit %s, which the journal never issued", r.Txn, b.Credit.ID))
			cb.byCode[b.Credit.Code] = &creditEntry{Slip: *b.Credit, SpentBy: r.Txn}
		case ce.SpentBy != "" && ce.SpentBy != r.Txn:
			cb.violations = append(cb.violations, fmt.Sprintf("credit %s spent twice: by %s and by %s", ce.Slip.ID, ce.SpentBy, r.Txn))
		default:
			ce.SpentBy = r.Txn
		}
	case recCreditsCarried:
		for _, c := range b.Credits {
			if _, ok := cb.byCode[c.Code]; !ok {
				cb.byCode[c.Code] = &creditEntry{Slip: c}
			}
			cb.maxSerial = max(cb.maxSerial, serialOf(c.Code))
		}
		cb.maxSerial = max(cb.maxSerial, b.Serial)
	}
}

// outstanding lists unspent credits in serial order.
func (cb *creditBook) outstanding() []CreditSlip {
	var out []CreditSlip
	for _, ce := range cb.byCode {
		if ce.SpentBy == "" {
			out = append(out, ce.Slip)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// creditSecret derives the authenticator key from the kiosk's signing key,
// so that nothing extra needs protecting on /perm.
func (e *Engine) creditSecret() []byte {
	h := sha256.Sum256(append([]byte("mitra credit code v1\x00"), e.key.Seed()...))
	return h[:]
}

// creditCode makes the 12-digit code of credit serial for creditID.
func (e *Engine) creditCode(serial int, creditID string) string {
	m := hmac.New(sha256.New, e.creditSecret())
	fmt.Fprintf(m, "%d|%s", serial, creditID)
	auth := binary.BigEndian.Uint64(m.Sum(nil)[:8]) % 1_000_000
	return fmt.Sprintf("%06d%06d", serial%1_000_000, auth)
}

// FormatCreditCode groups a code as the slip prints it: "000012 345678".
func FormatCreditCode(code string) string {
	if len(code) != 12 {
		return code
	}
	return code[:6] + " " + code[6:]
}

// newCredit makes the next credit slip of txnID. It only allocates the
// serial; the slip exists once its credit-issued record is journaled.
func (e *Engine) newCredit(txnID string, amount money.Paise, reason string) CreditSlip {
	e.mu.Lock()
	e.creditSerial = max(e.creditSerial, e.credits.maxSerial) + 1
	serial := e.creditSerial
	n := 1
	if t := e.txns[txnID]; t != nil {
		n = len(t.Credits) + 1
	}
	e.mu.Unlock()
	id := fmt.Sprintf("C-%s-%d", txnID, n)
	return CreditSlip{ID: id, TxnID: txnID, Amount: amount, Reason: reason, Code: e.creditCode(serial, id)}
}

// normalizeCode keeps the digits of what was typed.
func normalizeCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", ErrCreditFormat
		}
	}
	if b.Len() != 12 {
		return "", ErrCreditFormat
	}
	return b.String(), nil
}

// LookupCredit implements Kiosk: it finds an outstanding credit slip by the
// code the citizen typed. It does not spend it (PayByCash does, journaled).
func (e *Engine) LookupCredit(code string) (CreditSlip, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.codeAttempts >= maxCodeAttempts {
		return CreditSlip{}, ErrCreditLocked
	}
	c, err := normalizeCode(code)
	if err != nil {
		return CreditSlip{}, err // a typing slip, not a guess: not counted
	}
	ce, ok := e.credits.byCode[c]
	if !ok {
		e.codeAttempts++
		e.cfg.Log.Printf("credit: wrong code (attempt %d of %d this session)", e.codeAttempts, maxCodeAttempts)
		return CreditSlip{}, ErrCreditUnknown
	}
	if ce.SpentBy != "" {
		return CreditSlip{}, fmt.Errorf("%w (in transaction %s)", ErrCreditSpent, ce.SpentBy)
	}
	return ce.Slip, nil
}

// OutstandingCredits lists the credit slips issued and not yet spent.
func (e *Engine) OutstandingCredits() []CreditSlip {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.credits.outstanding()
}

// carryCredits restates every outstanding credit in one journal record, so
// that the segments where those credits were issued can go to the archive
// without the live journal forgetting money the kiosk owes. Replay folds
// the restatement like the original issue; duplicates are harmless.
func (e *Engine) carryCredits() error {
	e.mu.Lock()
	out := e.credits.outstanding()
	serial := max(e.creditSerial, e.credits.maxSerial)
	e.mu.Unlock()
	if len(out) == 0 && serial == 0 {
		return nil
	}
	return e.record("", recCreditsCarried, body{Credits: out, Serial: serial})
}

// OutstandingCreditsIn reads the journal in stateDir (archive included)
// without writing to it and lists the credit slips still owed.
func OutstandingCreditsIn(stateDir string) ([]CreditSlip, error) {
	h := newHistory()
	if _, err := replayAll(stateDir, h.fold); err != nil {
		return nil, err
	}
	return h.credits.outstanding(), nil
}
