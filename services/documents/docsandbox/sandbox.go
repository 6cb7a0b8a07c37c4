package docsandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/internal/recordbook"
	"github.com/mitra-kiosk/mitra/services/internal/sandboxfault"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

// FindFault selects how the back-end answers specs and find.
type FindFault string

const (
	FindOK   FindFault = "ok"
	FindDown FindFault = "down" // 503 before doing anything
)

// OrderFault selects how the back-end answers orders.
type OrderFault string

const (
	OrderOK      OrderFault = "ok"
	OrderDown    OrderFault = "down"       // 503 before doing anything; status and content too
	OrderFail    OrderFault = "fail"       // order recorded as FAILURE
	OrderPending OrderFault = "pending"    // recorded PENDING, SUCCESS on the PendingPolls-th status poll
	OrderLost    OrderFault = "lost-reply" // committed, then the connection is dropped with no reply
)

// DefaultPendingPolls is how many status polls a PENDING order takes to
// succeed when Faults.PendingPolls is not set: more than one, so that the
// kiosk's "still pending, poll again" path is exercised.
const DefaultPendingPolls = 2

// Faults is the sandbox's fault injection. The zero value means no faults.
type Faults struct {
	Find  FindFault  `json:"find"`
	Order OrderFault `json:"order"`
	// PendingPolls applies to orders made while it is set.
	PendingPolls int `json:"pending_polls,omitempty"`
}

// normalize fills defaults and rejects unknown faults.
func (f Faults) normalize() (Faults, error) {
	find, err := sandboxfault.Choose(f.Find, FindOK, FindDown)
	if err != nil {
		return f, fmt.Errorf("docsandbox: faults: find %w", err)
	}
	order, err := sandboxfault.Choose(f.Order, OrderOK, OrderDown, OrderFail, OrderPending, OrderLost)
	if err != nil {
		return f, fmt.Errorf("docsandbox: faults: order %w", err)
	}
	polls, err := sandboxfault.PendingPolls(f.PendingPolls, DefaultPendingPolls)
	if err != nil {
		return f, fmt.Errorf("docsandbox: faults: %w", err)
	}
	return Faults{Find: find, Order: order, PendingPolls: polls}, nil
}

// Errors the HTTP layer maps to their own codes; callers of the Go API can
// branch on them with errors.Is.
var (
	// ErrBadRequest: a required field is missing or malformed.
	ErrBadRequest = errors.New("docsandbox: bad request")
	// ErrUnknownKind: the kind is not one of documents.Kinds.
	ErrUnknownKind = errors.New("docsandbox: unknown document kind")
	// ErrFee: the order's fee is not the document's fee.
	ErrFee = errors.New("docsandbox: fee is not the document's fee")
	// ErrKeyConflict: the idempotency key was already used for another
	// document or fee.
	ErrKeyConflict = errors.New("docsandbox: idempotency key already used for a different order")
)

// Sandbox is the built-in document back-end. It is safe for concurrent
// use; one mutex serializes every order decision with its ledger append,
// which is what makes concurrent requests with one key record one order.
type Sandbox struct {
	cat *catalogue // immutable after New
	now func() time.Time

	mu     sync.Mutex
	book   *recordbook.Book[orderRecord] // every order, by idempotency key
	faults Faults

	// LoadReport says what New repaired in the ledger (a torn last record
	// after a power cut), or "" when it was intact. A main should log it.
	LoadReport string
}

var _ documents.Service = (*Sandbox)(nil)

// New returns a sandbox serving kinds.json and documents.json in data,
// with its order ledger in stateDir (created if missing). It replays the
// ledger: see the package documentation for what a damaged ledger does.
func New(data fs.FS, stateDir string) (*Sandbox, error) {
	cat, err := loadCatalogue(data)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{cat: cat, now: time.Now, faults: Faults{Find: FindOK, Order: OrderOK, PendingPolls: DefaultPendingPolls}}
	if s.book, s.LoadReport, err = recordbook.Open[orderRecord](ledgerOptions(stateDir), "orders", nil); err != nil {
		return nil, err
	}
	return s, nil
}

// NewFromDir is New with the data files in dataDir.
func NewFromDir(dataDir, stateDir string) (*Sandbox, error) {
	return New(os.DirFS(dataDir), stateDir)
}

// Close closes the ledger. Every recorded order is already durable.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.book.Close()
}

// SetFaults changes the fault injection; zero fields mean "ok" and the
// default number of pending polls.
func (s *Sandbox) SetFaults(f Faults) error {
	f, err := f.normalize()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	return nil
}

// CurrentFaults returns the fault injection in force.
func (s *Sandbox) CurrentFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Orders lists every recorded order in its current state, in recording
// order: what reconciliation compares with a kiosk's journal.
func (s *Sandbox) Orders() []documents.Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.book.All()
	out := make([]documents.Order, 0, len(all))
	for _, r := range all {
		out = append(out, r.Order)
	}
	return out
}

// Specs implements documents.Service.
func (s *Sandbox) Specs(context.Context) ([]documents.RefSpec, error) {
	if s.CurrentFaults().Find == FindDown {
		return nil, fmt.Errorf("docsandbox: specs: %w (sandbox fault find=down)", documents.ErrUnavailable)
	}
	out := make([]documents.RefSpec, 0, len(documents.Kinds))
	for _, k := range documents.Kinds {
		out = append(out, s.cat.kinds[k].RefSpec)
	}
	return out, nil
}

// Find implements documents.Service. The holder's name is masked as a
// bill's customer name is (sandbox.MaskName). Error
// messages never repeat ref: a citizen who types an Aadhaar number where a
// VID is asked must not find it in a log.
func (s *Sandbox) Find(_ context.Context, kind documents.Kind, ref string) (documents.Document, error) {
	if s.CurrentFaults().Find == FindDown {
		return documents.Document{}, fmt.Errorf("docsandbox: find: %w (sandbox fault find=down)", documents.ErrUnavailable)
	}
	kr, ok := s.cat.kinds[kind]
	if !ok {
		return documents.Document{}, fmt.Errorf("docsandbox: find: %w: %q", ErrUnknownKind, kind)
	}
	if !s.cat.patterns[kind].MatchString(ref) {
		return documents.Document{}, fmt.Errorf("docsandbox: find: %w: %d characters that are not a valid %s for %s",
			documents.ErrInvalidRef, len(ref), kr.Label, kind)
	}
	d, ok := s.cat.byRef[refKey{kind, ref}]
	switch {
	case !ok:
		return documents.Document{}, fmt.Errorf("docsandbox: find: %w: no %s under that %s", documents.ErrNotFound, kind, kr.Label)
	case d.Status == statePending:
		return documents.Document{}, fmt.Errorf("docsandbox: find: %w: the %s application is with %s", documents.ErrNotReady, kind, d.Issuer)
	case d.Status == stateRejected:
		return documents.Document{}, fmt.Errorf("docsandbox: find: %w: the %s application was rejected by %s", documents.ErrNotFound, kind, d.Issuer)
	}
	return s.document(d), nil
}

func (s *Sandbox) document(d *docRecord) documents.Document {
	kr := s.cat.kinds[d.Kind]
	return documents.Document{
		ID: d.ID, Kind: d.Kind, Ref: d.Ref, Title: kr.Title, TitleHi: kr.TitleHi,
		Holder: sandbox.MaskName(d.Holder), IssuedOn: d.IssuedOn, Issuer: d.Issuer,
		Pages: max(d.Pages, 1), Fee: s.cat.fee(d),
	}
}

// Order implements documents.Service. The order is durable before Order
// returns. Under the lost-reply fault the order is committed and Order
// returns an error wrapping documents.ErrUnavailable, as the kiosk would
// see it over HTTP.
func (s *Sandbox) Order(_ context.Context, req documents.OrderRequest) (documents.Order, error) {
	o, lost, err := s.order(req)
	if err == nil && lost {
		return documents.Order{}, fmt.Errorf("docsandbox: order: %w: reply lost after order %s was committed (sandbox fault order=lost-reply)",
			documents.ErrUnavailable, req.IdempotencyKey)
	}
	return o, err
}

// order is Order for both the Go API and the HTTP handler; lost says the
// reply must be lost (the order, or the original one, stands).
func (s *Sandbox) order(req documents.OrderRequest) (o documents.Order, lost bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.Order == OrderDown {
		return o, false, fmt.Errorf("docsandbox: order: %w (sandbox fault order=down)", documents.ErrUnavailable)
	}
	if !recordbook.ValidKey(req.IdempotencyKey) {
		return o, false, fmt.Errorf("docsandbox: order: %w: idempotency_key %q: 1 to 80 letters, digits and ._:- required", ErrBadRequest, req.IdempotencyKey)
	}
	if old, ok := s.book.Get(req.IdempotencyKey); ok {
		// A repeat: answer the original whatever the faults say now, and
		// charge nothing.
		if old.DocumentID != req.DocumentID || old.Fee != req.Fee {
			return o, false, fmt.Errorf("docsandbox: order: %w: key %s was used for document %s with fee %v",
				ErrKeyConflict, req.IdempotencyKey, old.DocumentID, old.Fee)
		}
		return old.Order, s.faults.Order == OrderLost, nil
	}
	if req.KioskID == "" {
		return o, false, fmt.Errorf("docsandbox: order: %w: kiosk_id is required", ErrBadRequest)
	}
	d, ok := s.cat.byID[req.DocumentID]
	if !ok {
		return o, false, fmt.Errorf("docsandbox: order: %w: document id %q", documents.ErrNotFound, req.DocumentID)
	}
	if fee := s.cat.fee(d); req.Fee != fee {
		return o, false, fmt.Errorf("docsandbox: order: %w: %v for document %s, %v offered", ErrFee, fee, d.ID, req.Fee)
	}
	now := s.now().UTC()
	r := &orderRecord{Order: documents.Order{IdempotencyKey: req.IdempotencyKey, DocumentID: d.ID, Fee: req.Fee, PostedAt: now},
		Kind: d.Kind, KioskID: req.KioskID}
	switch s.faults.Order {
	case OrderFail:
		r.Status = documents.Failure
		r.Reason = "department declined the order (sandbox fault order=fail)"
	case OrderPending:
		r.Status = documents.Pending
		r.PollsLeft = s.faults.PendingPolls
	default:
		r.Succeed(now)
	}
	if err := s.book.Record(r); err != nil {
		return o, false, fmt.Errorf("docsandbox: order: %w", err)
	}
	return r.Order, s.faults.Order == OrderLost, nil
}

// OrderStatus implements documents.Service. Each call on a PENDING order
// counts one poll towards SUCCESS; the change is durable before it is
// reported.
func (s *Sandbox) OrderStatus(_ context.Context, key string) (documents.Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.Order == OrderDown {
		return documents.Order{}, fmt.Errorf("docsandbox: status: %w (sandbox fault order=down)", documents.ErrUnavailable)
	}
	o, known, err := recordbook.Poll(s.book, key, s.now)
	switch {
	case !known:
		return documents.Order{IdempotencyKey: key, Status: documents.Unknown}, nil
	case err != nil:
		return documents.Order{}, fmt.Errorf("docsandbox: status: %w", err)
	}
	return o.Order, nil
}

// Content implements documents.Service: the document of a SUCCESS order,
// as often as asked.
func (s *Sandbox) Content(_ context.Context, key string) (documents.Content, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.Order == OrderDown {
		return documents.Content{}, fmt.Errorf("docsandbox: content: %w (sandbox fault order=down)", documents.ErrUnavailable)
	}
	o, ok := s.book.Get(key)
	if !ok || o.Status != documents.Success {
		st := documents.Unknown
		if ok {
			st = o.Status
		}
		return documents.Content{}, fmt.Errorf("docsandbox: content: %w: order %q is %s", documents.ErrNotPaid, key, st)
	}
	d, ok := s.cat.byID[o.DocumentID]
	if !ok {
		// The ledger names a document the data no longer has: the data
		// was edited under a running deployment.
		return documents.Content{}, fmt.Errorf("docsandbox: content: document %s of order %s is no longer in the data", o.DocumentID, key)
	}
	return s.content(d), nil
}

// content assembles what is printed: the number and date of issue first,
// then the department's fields.
func (s *Sandbox) content(d *docRecord) documents.Content {
	kr := s.cat.kinds[d.Kind]
	fields := []documents.Field{
		{Label: "Document no.", LabelHi: "दस्तावेज़ संख्या", Value: d.ID},
		{Label: "Date of issue", LabelHi: "जारी दिनांक", Value: displayDate(d.IssuedOn)},
	}
	fields = append(fields, d.Fields...)
	return documents.Content{
		DocumentID: d.ID, Title: kr.Title, TitleHi: kr.TitleHi, Issuer: d.Issuer,
		Fields: fields, Tables: d.Tables, MapPNG: d.mapPNG, VerifyQR: verifyString(d),
	}
}

// displayDate turns YYYY-MM-DD into the DD-MM-YYYY printed on Indian
// certificates.
func displayDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02-01-2006")
}

// verifyKey signs the sandbox's verification strings. It is public and
// proves nothing; it stands in for a department's signing key so that the
// QR carries a string shaped like the real one.
var verifyKey = []byte("mitra-docsandbox-verification-key")

// verifyString is the signed string printed as the verification QR.
func verifyString(d *docRecord) string {
	m := hmac.New(sha256.New, verifyKey)
	fmt.Fprintf(m, "%s|%s|%s|%s", d.ID, d.Kind, d.IssuedOn, d.Holder)
	return fmt.Sprintf("RJDV1|%s|%s|%s", d.ID, d.IssuedOn, strings.ToUpper(hex.EncodeToString(m.Sum(nil)[:10])))
}

// orderRef is the department's reference of a successful order: the
// business date and a digest of the key, so it is the same however often
// the order is reported.
func orderRef(key string, at time.Time) string {
	sum := sha256.Sum256([]byte("doc-order|" + key))
	return "EMD" + at.UTC().Format("060102") + strings.ToUpper(hex.EncodeToString(sum[:5]))
}

// Succeed makes the order SUCCESS with the department's reference.
func (r *orderRecord) Succeed(now time.Time) {
	r.Status = documents.Success
	r.Ref = orderRef(r.IdempotencyKey, now)
}
