package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/internal/recordbook"
	"github.com/mitra-kiosk/mitra/services/internal/sandboxfault"
)

// FetchFault selects how the gateway answers bill fetches.
type FetchFault string

const (
	FetchOK   FetchFault = "ok"
	FetchDown FetchFault = "down" // 503 before doing anything
)

// PayFault selects how the gateway answers payments.
type PayFault string

const (
	PayOK      PayFault = "ok"
	PayDown    PayFault = "down"       // 503 before doing anything, status queries too
	PayFail    PayFault = "fail"       // payment recorded as FAILURE
	PayPending PayFault = "pending"    // recorded PENDING, SUCCESS on the PendingPolls-th status poll
	PayLost    PayFault = "lost-reply" // committed, then the connection is dropped with no reply
)

// DefaultPendingPolls is how many status polls a PENDING payment takes to
// succeed when Faults.PendingPolls is not set: more than one, so that a
// kiosk's "still pending, poll again" path is exercised.
const DefaultPendingPolls = 2

// Faults is the sandbox's fault injection. The zero value means no faults.
type Faults struct {
	Fetch FetchFault `json:"fetch"`
	Pay   PayFault   `json:"pay"`
	// PendingPolls is how many status polls a PENDING payment takes to turn
	// SUCCESS (DefaultPendingPolls when 0). It applies to payments made
	// while it is set.
	PendingPolls int `json:"pending_polls,omitempty"`
}

// normalize fills defaults and rejects unknown faults.
func (f Faults) normalize() (Faults, error) {
	var err error
	if f.Fetch, err = sandboxfault.Choose(f.Fetch, FetchOK, FetchDown); err != nil {
		return f, fmt.Errorf("sandbox: faults: fetch %w", err)
	}
	if f.Pay, err = sandboxfault.Choose(f.Pay, PayOK, PayDown, PayFail, PayPending, PayLost); err != nil {
		return f, fmt.Errorf("sandbox: faults: pay %w", err)
	}
	if f.PendingPolls, err = sandboxfault.PendingPolls(f.PendingPolls, DefaultPendingPolls); err != nil {
		return f, fmt.Errorf("sandbox: faults: %w", err)
	}
	return f, nil
}

// billKey names one bill of one account.
type billKey struct{ biller, ref, number string }

// Gateway is the sandbox back-end. It is safe for concurrent use; one
// mutex serializes every payment decision with its ledger append, which is
// what makes concurrent requests with one key record one payment.
type Gateway struct {
	cat *catalogue // immutable after New
	now func() time.Time

	mu      sync.Mutex
	book    *recordbook.Book[paymentRecord] // every payment, by idempotency key
	settled map[billKey]string              // bill → key of its SUCCESS or PENDING payment
	faults  Faults

	// LoadReport says what New repaired in the ledger (a torn last record
	// after a power cut), or "" when it was intact. New sets it; nothing
	// changes it after, so it is safe to read without locking. A main
	// should log it.
	LoadReport string
}

var _ billpay.Service = (*Gateway)(nil)

// New returns a gateway serving the billers.json and bills.json in data,
// with its payment ledger in stateDir (created if missing). It replays the
// ledger: see the package documentation for what a damaged ledger does.
func New(data fs.FS, stateDir string) (*Gateway, error) {
	cat, err := loadCatalogue(data)
	if err != nil {
		return nil, err
	}
	g := &Gateway{cat: cat, now: time.Now, faults: Faults{Fetch: FetchOK, Pay: PayOK, PendingPolls: DefaultPendingPolls}}
	g.forget()
	if g.book, g.LoadReport, err = recordbook.Open(ledgerOptions(stateDir), "payments", g.settle); err != nil {
		return nil, err
	}
	return g, nil
}

// NewFromDir is New with the data files in dataDir.
func NewFromDir(dataDir, stateDir string) (*Gateway, error) {
	return New(os.DirFS(dataDir), stateDir)
}

// Close closes the ledger. Every recorded payment is already durable.
func (g *Gateway) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.book.Close()
}

// forget makes every bill due again; the book forgets its payments itself.
func (g *Gateway) forget() {
	g.settled = map[billKey]string{}
}

// settle keeps the bills' state in step with r, which just became its
// key's current payment (the ledger is already written).
func (g *Gateway) settle(r *paymentRecord) {
	bk := billKey{r.BillerID, r.CustomerRef, r.BillNumber}
	switch r.Status {
	case billpay.Success, billpay.Pending:
		g.settled[bk] = r.IdempotencyKey
	case billpay.Failure:
		if g.settled[bk] == r.IdempotencyKey {
			delete(g.settled, bk)
		}
	}
}

// SetFaults changes the fault injection; zero fields mean "ok" and the
// default number of pending polls.
func (g *Gateway) SetFaults(f Faults) error {
	f, err := f.normalize()
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = f
	return nil
}

// CurrentFaults returns the fault injection in force.
func (g *Gateway) CurrentFaults() Faults {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.faults
}

// Payments lists every recorded payment, in its current state, in
// recording order: what reconciliation compares with a kiosk's journal.
func (g *Gateway) Payments() []billpay.Payment {
	g.mu.Lock()
	defer g.mu.Unlock()
	all := g.book.All()
	out := make([]billpay.Payment, 0, len(all))
	for _, r := range all {
		out = append(out, r.Payment)
	}
	return out
}

// ist is India Standard Time, the zone of the gateway's daily reports.
var ist = time.FixedZone("IST", 5*3600+1800)

// PaymentsReport implements billpay.Reporter.
func (g *Gateway) PaymentsReport(_ context.Context, kioskID, date string) ([]billpay.Payment, error) {
	day, err := time.ParseInLocation("2006-01-02", date, ist)
	if err != nil {
		return nil, fmt.Errorf("sandbox: report: %w: date %q: use YYYY-MM-DD", ErrBadRequest, date)
	}
	if kioskID == "" {
		return nil, fmt.Errorf("sandbox: report: %w: kiosk_id is required", ErrBadRequest)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []billpay.Payment{}
	for _, r := range g.book.All() {
		if r.KioskID != kioskID || r.PostedAt.Before(day) || !r.PostedAt.Before(day.AddDate(0, 0, 1)) {
			continue
		}
		out = append(out, r.Payment)
	}
	return out, nil
}

var _ billpay.Reporter = (*Gateway)(nil)

// Reset turns the faults off and makes every bill due again. The ledger is
// moved aside (payments-<UTC time>.jsonl), not deleted; keys used before the
// reset are unknown after it. For tests and demos.
func (g *Gateway) Reset() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = Faults{Fetch: FetchOK, Pay: PayOK, PendingPolls: DefaultPendingPolls}
	if err := g.book.Archive(archiveName(g.now())); err != nil {
		return err
	}
	g.forget()
	return nil
}

// MaskName masks every word of a name but its first letter, as billers do on
// bill fetch: "Ramesh Kumar" → "R***** K****". A Devanagari letter keeps its
// vowel sign ("सुनीता" → "सु****"): cutting a syllable in half would print a
// broken glyph on the receipt.
func MaskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		r := []rune(w)
		keep := 1
		for keep < len(r) && (unicode.Is(unicode.Mn, r[keep]) || unicode.Is(unicode.Mc, r[keep])) {
			keep++
		}
		words[i] = string(r[:keep]) + strings.Repeat("*", len(r)-keep)
	}
	return strings.Join(words, " ")
}

// fetchRef is the reference a fetch returns and a payment must quote. It is
// derived from the bill rather than stored, so that it survives restarts of
// either side, and a payment quoting the fetch of an older bill is refused.
func fetchRef(r billRecord) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("fetch|%s|%s|%s|%d", r.BillerID, r.CustomerRef, r.BillNumber, r.Amount)))
	return "BF" + strings.ToUpper(hex.EncodeToString(sum[:8]))
}

// txnRef is the BBPS transaction reference of a successful payment: the
// business date and a digest of the key, so it is the same however often the
// payment is reported and unique across resets.
func txnRef(key string, at time.Time) string {
	sum := sha256.Sum256([]byte("txn|" + key))
	return "BBPS" + at.UTC().Format("060102") + strings.ToUpper(hex.EncodeToString(sum[:5]))
}

// Succeed makes the payment SUCCESS with its BBPS transaction reference.
func (r *paymentRecord) Succeed(now time.Time) {
	r.Status = billpay.Success
	r.TxnRef = txnRef(r.IdempotencyKey, now)
}

// Billers implements billpay.Service. An empty category lists every biller.
func (g *Gateway) Billers(_ context.Context, c billpay.Category) ([]billpay.Biller, error) {
	out := []billpay.Biller{}
	for _, b := range g.cat.billers {
		if c == "" || b.Category == c {
			out = append(out, b)
		}
	}
	return out, nil
}

// FetchBill implements billpay.Service. The customer's name is masked.
func (g *Gateway) FetchBill(_ context.Context, billerID, ref string) (billpay.Bill, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faults.Fetch == FetchDown {
		return billpay.Bill{}, fmt.Errorf("sandbox: fetch: %w (sandbox fault fetch=down)", billpay.ErrUnavailable)
	}
	b, ok := g.cat.biller(billerID)
	if !ok {
		return billpay.Bill{}, fmt.Errorf("sandbox: fetch: %w: %q", billpay.ErrUnknownBiller, billerID)
	}
	if err := g.cat.validRef(b, ref); err != nil {
		return billpay.Bill{}, fmt.Errorf("sandbox: fetch: %w", err)
	}
	rec, ok := g.cat.accounts[accountKey{billerID, ref}]
	if !ok || !rec.isDue() {
		return billpay.Bill{}, fmt.Errorf("sandbox: fetch: %w for %s %s", billpay.ErrNoBill, billerID, ref)
	}
	if _, paid := g.settled[billKey{billerID, ref, rec.BillNumber}]; paid {
		return billpay.Bill{}, fmt.Errorf("sandbox: fetch: %w for %s %s: bill %s is paid", billpay.ErrNoBill, billerID, ref, rec.BillNumber)
	}
	return billpay.Bill{
		BillerID: billerID, CustomerRef: ref, BillNumber: rec.BillNumber,
		CustomerName: MaskName(rec.CustomerName), Amount: rec.Amount,
		DueDate: rec.DueDate, BillDate: rec.BillDate, FetchRef: fetchRef(rec),
	}, nil
}

// Errors the HTTP layer maps to their own codes; callers of the Go API can
// branch on them with errors.Is.
var (
	// ErrKeyConflict: the idempotency key was already used for a different
	// payment (another biller, customer, bill or amount).
	ErrKeyConflict = errors.New("sandbox: idempotency key already used for a different payment")
	// ErrFetchRef: the fetch_ref was not issued for the bill due; fetch again.
	ErrFetchRef = errors.New("sandbox: fetch_ref does not belong to the bill due")
	// ErrBadRequest: a required field is missing or malformed.
	ErrBadRequest = errors.New("sandbox: bad request")
)

// Payment modes and BBPS channel codes the gateway accepts.
var (
	payModes    = map[string]bool{"Cash": true, "UPI": true, "Card": true}
	payChannels = map[string]bool{"KIOSK": true, "AGT": true, "INT": true, "MOB": true, "POS": true, "BNKBRNCH": true}
)

// Pay implements billpay.Service. The payment is durable before Pay
// returns. Under the lost-reply fault the payment is committed and Pay
// returns an error wrapping billpay.ErrUnavailable, as the kiosk would see
// it over HTTP.
func (g *Gateway) Pay(_ context.Context, req billpay.PayRequest) (billpay.Payment, error) {
	p, lost, err := g.pay(req)
	if err == nil && lost {
		return billpay.Payment{}, fmt.Errorf("sandbox: pay: %w: reply lost after payment %s was committed (sandbox fault pay=lost-reply)",
			billpay.ErrUnavailable, req.IdempotencyKey)
	}
	return p, err
}

// pay is Pay for both the Go API and the HTTP handler; lost says the reply
// must be lost (the payment, or the original one, stands).
func (g *Gateway) pay(req billpay.PayRequest) (p billpay.Payment, lost bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faults.Pay == PayDown {
		return p, false, fmt.Errorf("sandbox: pay: %w (sandbox fault pay=down)", billpay.ErrUnavailable)
	}
	if !recordbook.ValidKey(req.IdempotencyKey) {
		return p, false, fmt.Errorf("sandbox: pay: %w: idempotency_key %q: 1 to 80 letters, digits and ._:- required", ErrBadRequest, req.IdempotencyKey)
	}
	if old, ok := g.book.Get(req.IdempotencyKey); ok {
		// A repeat: answer with the original, whatever the faults say now
		// (a FAILURE stays a failure, a SUCCESS keeps its reference).
		if old.BillerID != req.BillerID || old.CustomerRef != req.CustomerRef || old.BillNumber != req.BillNumber || old.Amount != req.Amount {
			return p, false, fmt.Errorf("sandbox: pay: %w: key %s was used for %s %s bill %s of %v",
				ErrKeyConflict, req.IdempotencyKey, old.BillerID, old.CustomerRef, old.BillNumber, old.Amount)
		}
		return old.Payment, g.faults.Pay == PayLost, nil
	}
	b, ok := g.cat.biller(req.BillerID)
	if !ok {
		return p, false, fmt.Errorf("sandbox: pay: %w: %q", billpay.ErrUnknownBiller, req.BillerID)
	}
	if err := g.cat.validRef(b, req.CustomerRef); err != nil {
		return p, false, fmt.Errorf("sandbox: pay: %w", err)
	}
	if !payModes[req.Mode] || !payChannels[req.Channel] {
		return p, false, fmt.Errorf("sandbox: pay: %w: mode %q (Cash, UPI or Card) and channel %q (a BBPS channel such as KIOSK)",
			ErrBadRequest, req.Mode, req.Channel)
	}
	rec, ok := g.cat.accounts[accountKey{req.BillerID, req.CustomerRef}]
	if !ok || !rec.isDue() || rec.BillNumber != req.BillNumber {
		return p, false, fmt.Errorf("sandbox: pay: %w for %s %s bill %q", billpay.ErrNoBill, req.BillerID, req.CustomerRef, req.BillNumber)
	}
	if k, paid := g.settled[billKey{req.BillerID, req.CustomerRef, rec.BillNumber}]; paid {
		return p, false, fmt.Errorf("sandbox: pay: %w for %s %s: bill %s is paid (payment %s)", billpay.ErrNoBill, req.BillerID, req.CustomerRef, rec.BillNumber, k)
	}
	if req.FetchRef != fetchRef(rec) {
		return p, false, fmt.Errorf("sandbox: pay: %w: %q", ErrFetchRef, req.FetchRef)
	}
	if req.Amount != rec.Amount {
		return p, false, fmt.Errorf("sandbox: pay: %w: %v due, %v offered", billpay.ErrAmount, rec.Amount, req.Amount)
	}
	now := g.now().UTC()
	r := &paymentRecord{Payment: billpay.Payment{
		IdempotencyKey: req.IdempotencyKey, Amount: req.Amount, BillerID: req.BillerID,
		CustomerRef: req.CustomerRef, BillNumber: req.BillNumber, PostedAt: now,
	}, FetchRef: req.FetchRef, Mode: req.Mode, Channel: req.Channel, KioskID: req.KioskID}
	switch g.faults.Pay {
	case PayFail:
		r.Status = billpay.Failure
		r.Reason = "biller declined the payment (sandbox fault pay=fail)"
	case PayPending:
		r.Status = billpay.Pending
		r.PollsLeft = g.faults.PendingPolls
	default:
		r.Succeed(now)
	}
	if err := g.book.Record(r); err != nil {
		return p, false, fmt.Errorf("sandbox: pay: %w", err)
	}
	return r.Payment, g.faults.Pay == PayLost, nil
}

// PaymentStatus implements billpay.Service. Each call on a PENDING payment
// counts one poll towards SUCCESS; the change is durable before it is
// reported.
func (g *Gateway) PaymentStatus(_ context.Context, key string) (billpay.Payment, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faults.Pay == PayDown {
		return billpay.Payment{}, fmt.Errorf("sandbox: status: %w (sandbox fault pay=down)", billpay.ErrUnavailable)
	}
	p, known, err := recordbook.Poll(g.book, key, g.now)
	switch {
	case !known:
		return billpay.Payment{IdempotencyKey: key, Status: billpay.Unknown}, nil
	case err != nil:
		return billpay.Payment{}, fmt.Errorf("sandbox: status: %w", err)
	}
	return p.Payment, nil
}
