// Package sandbox is Mitra's built-in bill-payment gateway: it serves the
// BBPS-shaped HTTP API that services/billpay/billpayhttp speaks, from the
// realistic billers and bills in testdata/sandbox, and records payments
// durably so that a kiosk (and its tests) can exercise every real outcome —
// success, failure, pending, gateway down, and a reply lost after the payment
// was committed — without a real back-end.
//
// # API
//
//	GET  /v1/billers?category=electricity      → [Biller]
//	POST /v1/bills/fetch   {biller_id, customer_ref} → Bill
//	POST /v1/payments      PayRequest           → Payment
//	GET  /v1/payments/{key}                      → Payment (404, status UNKNOWN, if none)
//
// Errors are JSON {"code": "...", "message": "..."}: 400 INVALID_REF,
// 400 BAD_REQUEST, 404 UNKNOWN_BILLER, 404 NO_BILL_DUE, 409 KEY_CONFLICT,
// 409 AMOUNT_MISMATCH, 503 UNAVAILABLE.
//
// Payments are idempotent on idempotency_key: a repeated request returns the
// original payment and never records a second one, across restarts too,
// because every payment is appended to <state>/payments.jsonl and fsync'd
// before the reply.
//
// # Sandbox controls
//
//	POST /sandbox/faults   {"fetch": "ok|down", "pay": "ok|down|fail|pending|lost-reply"}
//	GET  /sandbox/payments → every recorded payment
//	POST /sandbox/reset    → faults off (recorded payments are kept: they are the ledger)
package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// PayFault selects how the gateway answers payments.
type PayFault string

const (
	PayOK      PayFault = "ok"
	PayDown    PayFault = "down"       // 503 before doing anything
	PayFail    PayFault = "fail"       // payment recorded as FAILURE
	PayPending PayFault = "pending"    // recorded PENDING, SUCCESS after PendingPolls status polls
	PayLost    PayFault = "lost-reply" // committed, then the connection is dropped with no reply
)

// Faults is the sandbox's fault injection.
type Faults struct {
	Fetch string   `json:"fetch"` // "ok" or "down"
	Pay   PayFault `json:"pay"`
	// PendingPolls is how many status polls a PENDING payment takes to turn
	// SUCCESS (default 2).
	PendingPolls int `json:"pending_polls,omitempty"`
}

type billRecord struct {
	BillerID     string      `json:"biller_id"`
	CustomerRef  string      `json:"customer_ref"`
	CustomerName string      `json:"customer_name"`
	BillNumber   string      `json:"bill_number"`
	Amount       money.Paise `json:"amount"`
	BillDate     string      `json:"bill_date"`
	DueDate      string      `json:"due_date"`
	Note         string      `json:"note"`
}

type paymentRecord struct {
	billpay.Payment
	// pollsLeft counts status polls until a PENDING payment succeeds.
	PollsLeft int `json:"polls_left,omitempty"`
	// Mode and KioskID are kept for reconciliation.
	Mode    string `json:"mode"`
	KioskID string `json:"kiosk_id"`
}

// Gateway is the sandbox back-end. It is safe for concurrent use.
type Gateway struct {
	mu       sync.Mutex
	billers  []billpay.Biller
	bills    map[string]billRecord // biller|ref
	payments map[string]*paymentRecord
	order    []string // keys in recording order
	ledger   *os.File
	faults   Faults
	now      func() time.Time
	seq      int
	// LoadReport says what was skipped when the ledger was loaded (a torn
	// last line after a power cut).
	LoadReport string
}

// New loads billers.json and bills.json from data and the payment ledger
// from stateDir (created if missing).
func New(data fs.FS, stateDir string) (*Gateway, error) {
	g := &Gateway{bills: map[string]billRecord{}, payments: map[string]*paymentRecord{}, now: time.Now,
		faults: Faults{Fetch: "ok", Pay: PayOK, PendingPolls: 2}}
	if err := readJSON(data, "billers.json", &g.billers); err != nil {
		return nil, err
	}
	var bills []billRecord
	if err := readJSON(data, "bills.json", &bills); err != nil {
		return nil, err
	}
	for _, b := range bills {
		g.bills[b.BillerID+"|"+b.CustomerRef] = b
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox: state: %w", err)
	}
	path := filepath.Join(stateDir, "payments.jsonl")
	if err := g.loadLedger(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("sandbox: ledger: %w", err)
	}
	g.ledger = f
	return g, nil
}

// NewFromDir is New with a directory of data files.
func NewFromDir(dataDir, stateDir string) (*Gateway, error) {
	return New(os.DirFS(dataDir), stateDir)
}

func readJSON(data fs.FS, name string, v any) error {
	b, err := fs.ReadFile(data, name)
	if err != nil {
		return fmt.Errorf("sandbox: data: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("sandbox: data: %s: %w", name, err)
	}
	return nil
}

// loadLedger reads the payment ledger. Only the last line can be torn (the
// gateway died while appending it, before it replied): it is cut off and
// reported; the kiosk, which got no reply, will ask again by key.
func (g *Gateway) loadLedger(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: ledger: %w", err)
	}
	good := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var p paymentRecord
		if err := json.Unmarshal(line, &p); err != nil || p.IdempotencyKey == "" {
			rest := len(b) - good
			if bytes.Count(bytes.TrimRight(b[good:], "\n"), []byte("\n")) > 0 {
				return fmt.Errorf("sandbox: ledger %s: corrupt record at byte %d (not the last line): refusing to guess", path, good)
			}
			g.LoadReport = fmt.Sprintf("dropped a torn last record of %d bytes at offset %d", rest, good)
			if err := os.Truncate(path, int64(good)); err != nil {
				return fmt.Errorf("sandbox: ledger: truncate torn tail: %w", err)
			}
			break
		}
		good += len(line) + 1
		g.record(&p)
	}
	return nil
}

func (g *Gateway) record(p *paymentRecord) {
	if _, dup := g.payments[p.IdempotencyKey]; !dup {
		g.order = append(g.order, p.IdempotencyKey)
	}
	g.payments[p.IdempotencyKey] = p
	g.seq++
}

// appendLedger writes p durably before the caller replies.
func (g *Gateway) appendLedger(p *paymentRecord) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := g.ledger.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("sandbox: ledger: %w", err)
	}
	if err := g.ledger.Sync(); err != nil {
		return fmt.Errorf("sandbox: ledger: sync: %w", err)
	}
	return nil
}

// Close closes the ledger.
func (g *Gateway) Close() error { return g.ledger.Close() }

// SetFaults changes fault injection.
func (g *Gateway) SetFaults(f Faults) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f.Fetch == "" {
		f.Fetch = "ok"
	}
	if f.Pay == "" {
		f.Pay = PayOK
	}
	if f.PendingPolls <= 0 {
		f.PendingPolls = 2
	}
	g.faults = f
}

// CurrentFaults returns the fault injection in force.
func (g *Gateway) CurrentFaults() Faults {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.faults
}

// Payments lists every recorded payment in recording order.
func (g *Gateway) Payments() []billpay.Payment {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]billpay.Payment, 0, len(g.order))
	for _, k := range g.order {
		out = append(out, g.payments[k].Payment)
	}
	return out
}

// MaskName masks every word of a name but its first letter, as billers do
// on bill fetch: "Ramesh Kumar" → "R***** K****".
func MaskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		r := []rune(w)
		words[i] = string(r[0]) + strings.Repeat("*", len(r)-1)
	}
	return strings.Join(words, " ")
}

// Billers implements billpay.Service.
func (g *Gateway) Billers(_ context.Context, c billpay.Category) ([]billpay.Biller, error) {
	var out []billpay.Biller
	for _, b := range g.billers {
		if c == "" || b.Category == c {
			out = append(out, b)
		}
	}
	return out, nil
}

func (g *Gateway) biller(id string) (billpay.Biller, bool) {
	for _, b := range g.billers {
		if b.ID == id {
			return b, true
		}
	}
	return billpay.Biller{}, false
}

// paid reports whether the bill already has a successful or pending payment.
func (g *Gateway) paid(billerID, ref, billNumber string) bool {
	for _, p := range g.payments {
		if p.BillerID == billerID && p.CustomerRef == ref && p.BillNumber == billNumber && (p.Status == billpay.Success || p.Status == billpay.Pending) {
			return true
		}
	}
	return false
}

// FetchBill implements billpay.Service.
func (g *Gateway) FetchBill(_ context.Context, billerID, ref string) (billpay.Bill, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faults.Fetch == "down" {
		return billpay.Bill{}, fmt.Errorf("%w: sandbox fault: fetch down", billpay.ErrUnavailable)
	}
	b, ok := g.biller(billerID)
	if !ok {
		return billpay.Bill{}, fmt.Errorf("%w: %q", billpay.ErrUnknownBiller, billerID)
	}
	if err := b.ValidateRef(ref); err != nil {
		return billpay.Bill{}, err
	}
	rec, ok := g.bills[billerID+"|"+ref]
	if !ok || rec.Amount == 0 || g.paid(billerID, ref, rec.BillNumber) {
		return billpay.Bill{}, fmt.Errorf("%w: %s %s", billpay.ErrNoBill, billerID, ref)
	}
	return billpay.Bill{
		BillerID: billerID, CustomerRef: ref, BillNumber: rec.BillNumber,
		CustomerName: MaskName(rec.CustomerName), Amount: rec.Amount,
		DueDate: rec.DueDate, BillDate: rec.BillDate,
		FetchRef: "F-" + billerID + "-" + rec.BillNumber,
	}, nil
}

// errKeyConflict: the same key was used for a different payment.
var errKeyConflict = errors.New("sandbox: idempotency key reused for a different payment")

// Pay implements billpay.Service. The payment is recorded durably before it
// returns. With the lost-reply fault the caller (the HTTP handler) drops the
// connection after this returns; called directly, lostReply is reported.
func (g *Gateway) Pay(ctx context.Context, req billpay.PayRequest) (billpay.Payment, error) {
	p, _, err := g.pay(req)
	return p, err
}

func (g *Gateway) pay(req billpay.PayRequest) (p billpay.Payment, lostReply bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faults.Pay == PayDown {
		return p, false, fmt.Errorf("%w: sandbox fault: pay down", billpay.ErrUnavailable)
	}
	if req.IdempotencyKey == "" {
		return p, false, fmt.Errorf("sandbox: pay: idempotency_key is required")
	}
	if old, ok := g.payments[req.IdempotencyKey]; ok {
		if old.BillerID != req.BillerID || old.CustomerRef != req.CustomerRef || old.Amount != req.Amount || old.BillNumber != req.BillNumber {
			return p, false, errKeyConflict
		}
		return old.Payment, g.faults.Pay == PayLost, nil
	}
	b, ok := g.biller(req.BillerID)
	if !ok {
		return p, false, fmt.Errorf("%w: %q", billpay.ErrUnknownBiller, req.BillerID)
	}
	if err := b.ValidateRef(req.CustomerRef); err != nil {
		return p, false, err
	}
	rec, ok := g.bills[req.BillerID+"|"+req.CustomerRef]
	if !ok || rec.Amount == 0 || rec.BillNumber != req.BillNumber || g.paid(req.BillerID, req.CustomerRef, rec.BillNumber) {
		return p, false, fmt.Errorf("%w: %s %s bill %s", billpay.ErrNoBill, req.BillerID, req.CustomerRef, req.BillNumber)
	}
	if req.Amount != rec.Amount {
		return p, false, fmt.Errorf("%w: bill is %v, request %v", billpay.ErrAmount, rec.Amount, req.Amount)
	}
	r := &paymentRecord{Payment: billpay.Payment{
		IdempotencyKey: req.IdempotencyKey, Amount: req.Amount, BillerID: req.BillerID,
		CustomerRef: req.CustomerRef, BillNumber: req.BillNumber, PostedAt: g.now().UTC(),
	}, Mode: req.Mode, KioskID: req.KioskID}
	switch g.faults.Pay {
	case PayFail:
		r.Status = billpay.Failure
		r.Reason = "biller rejected the payment (sandbox fault)"
	case PayPending:
		r.Status = billpay.Pending
		r.PollsLeft = g.faults.PendingPolls
	default:
		r.Status = billpay.Success
		r.TxnRef = fmt.Sprintf("BBPS%s%06d", g.now().UTC().Format("060102"), g.seq+1)
	}
	if err := g.appendLedger(r); err != nil {
		return p, false, err
	}
	g.record(r)
	return r.Payment, g.faults.Pay == PayLost, nil
}

// PaymentStatus implements billpay.Service. A PENDING payment advances one
// poll towards SUCCESS on each call; the change is recorded durably.
func (g *Gateway) PaymentStatus(_ context.Context, key string) (billpay.Payment, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faults.Pay == PayDown {
		return billpay.Payment{}, fmt.Errorf("%w: sandbox fault: pay down", billpay.ErrUnavailable)
	}
	p, ok := g.payments[key]
	if !ok {
		return billpay.Payment{IdempotencyKey: key, Status: billpay.Unknown}, nil
	}
	if p.Status == billpay.Pending {
		p.PollsLeft--
		if p.PollsLeft <= 0 {
			p.Status = billpay.Success
			p.TxnRef = fmt.Sprintf("BBPS%s%06d", g.now().UTC().Format("060102"), g.seq+1)
			g.seq++
		}
		if err := g.appendLedger(p); err != nil {
			return billpay.Payment{}, err
		}
	}
	return p.Payment, nil
}

var _ billpay.Service = (*Gateway)(nil)
