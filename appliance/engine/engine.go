package engine

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/journal"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/drivers/biometric"
	"github.com/mitra-kiosk/mitra/drivers/cash"
	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/status"
)

// Config wires the engine to its devices and back-ends.
type Config struct {
	KioskID   string
	KioskName string
	// StateDir holds the journal (StateDir/journal) and the kiosk's signing
	// key (StateDir/keys).
	StateDir string
	Acceptor cash.BillAcceptor
	// Feeder is the simulated acceptor's slot (sim mode only).
	Feeder cash.Feeder
	// PaperSensor is the simulated printer's paper switch (sim mode only).
	PaperSensor interface{ SetPaperOut(bool) }
	Printer     printer.ReceiptPrinter
	Bills       billpay.Service
	// BillCharge is the kiosk's user charge on a bill payment.
	BillCharge money.Paise
	// Documents, PagePrinter (the A4 printer) and RenderDocument make the
	// kiosk print certificates and records; without them those services
	// say they are not available here. DocumentDPI is the resolution
	// RenderDocument lays pages out at (300 by default); DocumentCharge is
	// the kiosk's charge per print.
	Documents      documents.Service
	PagePrinter    printer.DocumentPrinter
	RenderDocument func(documents.Content, DocumentStamp) ([]image.Image, error)
	DocumentDPI    int
	DocumentCharge money.Paise
	// Status is the status look-up back-end; nil: not offered here.
	Status status.Service
	// Scanner and Pension make the kiosk do life certificates; without
	// them the service says it is not available here. BiometricEnv is the
	// RD service environment ("P" production, "PP" pre-production).
	Scanner      biometric.Scanner
	Pension      pension.Service
	BiometricEnv string
	// RenderSlip lays out a slip; nil = receipt.Render.
	RenderSlip func(receipt.Slip, int) (*image.Gray, error)
	// PollInterval is the acceptor polling period (GA138: 200 ms–1 s).
	PollInterval time.Duration
	// PayAttempts and PayBackoff bound the in-session attempts to get a
	// definite answer for a payment before an acknowledgement slip is
	// printed and the background resolver takes over.
	PayAttempts int
	PayBackoff  time.Duration
	// ResolveInterval is how often the background resolver retries.
	ResolveInterval time.Duration
	// ArchiveKeep is how long archived journal segments are kept (default
	// eight years, the period books of account are kept in India).
	ArchiveKeep time.Duration
	// RequestTimeout bounds one gateway call.
	RequestTimeout time.Duration
	Now            func() time.Time
	Log            *log.Logger
}

// Engine is the kiosk's transaction engine; it implements Kiosk.
type Engine struct {
	cfg Config
	j   *journal.Journal
	key ed25519.PrivateKey

	mu        sync.Mutex
	txns      map[string]*txn
	order     []string
	session   string
	nSession  int
	current   *cashPayment
	recovered []Outcome
	seqToday  int
	day       string
	// credits is every credit slip issued and whether it was spent;
	// creditSerial the last serial handed out; codeAttempts the wrong
	// credit codes typed in this session.
	credits      *creditBook
	creditSerial int
	codeAttempts int
	devMu        sync.Mutex // one user of the acceptor and printer at a time
	docMu        sync.Mutex // one job at a time on the A4 printer

	powerUp struct{ toCashbox, toFront []money.Paise }

	stop chan struct{}
	done sync.WaitGroup
}

var _ Kiosk = (*Engine)(nil)

// New opens the journal, recovers every unfinished transaction (see
// recover.go) and starts the background resolver. It returns once recovery
// is done, so the UI never shows a citizen a kiosk with unresolved money.
func New(cfg Config) (*Engine, error) {
	if cfg.Acceptor == nil || cfg.Printer == nil || cfg.Bills == nil {
		return nil, errors.New("engine: Acceptor, Printer and Bills are required")
	}
	if cfg.RenderSlip == nil {
		cfg.RenderSlip = receipt.Render
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	if cfg.PayAttempts == 0 {
		cfg.PayAttempts = 4
	}
	if cfg.PayBackoff == 0 {
		cfg.PayBackoff = time.Second
	}
	if cfg.ResolveInterval == 0 {
		cfg.ResolveInterval = 30 * time.Second
	}
	if cfg.DocumentDPI == 0 {
		cfg.DocumentDPI = 300
	}
	if cfg.ArchiveKeep == 0 {
		cfg.ArchiveKeep = 8 * 365 * 24 * time.Hour
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = log.New(os.Stderr, "engine: ", log.LstdFlags)
	}
	key, err := loadKey(filepath.Join(cfg.StateDir, "keys"))
	if err != nil {
		return nil, err
	}
	j, rep, err := journal.Open(filepath.Join(cfg.StateDir, "journal"))
	if err != nil {
		return nil, err
	}
	for _, d := range rep.Damage {
		cfg.Log.Printf("journal: %s", d)
	}
	e := &Engine{cfg: cfg, j: j, key: key, txns: map[string]*txn{}, credits: newCreditBook(), stop: make(chan struct{})}
	if _, err := journal.Replay(j.Dir(), func(r journal.Record) error { return e.fold(r) }); err != nil {
		j.Close()
		return nil, err
	}
	if err := e.recoverOpen(context.Background()); err != nil {
		j.Close()
		return nil, err
	}
	// Closed segments whose transactions are all final move to the
	// archive, so the next start-up replays only recent history. The
	// credits they issued and that are still owed are restated first.
	if err := e.carryCredits(); err != nil {
		j.Close()
		return nil, err
	}
	if n, err := j.Archive(e.segmentDone); err != nil {
		cfg.Log.Printf("journal archive: %v", err)
	} else if n > 0 {
		cfg.Log.Printf("journal: archived %d finished segment(s)", n)
	}
	if n, err := journal.PruneArchive(j.Dir(), cfg.ArchiveKeep, cfg.Now()); err != nil {
		cfg.Log.Printf("journal prune: %v", err)
	} else if n > 0 {
		cfg.Log.Printf("journal: removed %d archived segment(s) older than %v", n, cfg.ArchiveKeep)
	}
	e.done.Add(1)
	go e.resolveLoop()
	return e, nil
}

// segmentDone reports whether every transaction with a record in rs is final.
func (e *Engine) segmentDone(rs []journal.Record) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range rs {
		if t := e.txns[r.Txn]; r.Txn != "" && (t == nil || t.Final == "") {
			return false
		}
	}
	return true
}

// Journal exposes the journal for the crash tests' hooks.
func (e *Engine) Journal() *journal.Journal { return e.j }

// Close stops the resolver and closes the journal.
func (e *Engine) Close() error {
	close(e.stop)
	e.done.Wait()
	return e.j.Close()
}

func (e *Engine) fold(r journal.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if b, ok := creditFact(r); ok {
		e.credits.apply(r, b)
	}
	if r.Txn == "" {
		return nil
	}
	t, ok := e.txns[r.Txn]
	if !ok {
		t = &txn{ID: r.Txn}
		e.txns[r.Txn] = t
		e.order = append(e.order, r.Txn)
		// Continue the day's numbering after a restart.
		if parts := strings.Split(r.Txn, "-"); len(parts) >= 2 {
			var n int
			fmt.Sscanf(parts[len(parts)-1], "%d", &n)
			if parts[len(parts)-2] == e.day || e.day == "" {
				e.day = parts[len(parts)-2]
				e.seqToday = max(e.seqToday, n)
			}
		}
	}
	return t.apply(r)
}

// record journals one step of txn and folds it into the state. The record
// is on the disk when record returns nil; only then may the caller perform
// the side effect the record announces.
func (e *Engine) record(txnID, typ string, b body) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("engine: journal %s: %w", typ, err)
	}
	r, err := e.j.Append(journal.Record{Time: e.cfg.Now().UTC(), Txn: txnID, Type: typ, Body: raw})
	if err != nil {
		return err
	}
	return e.fold(r)
}

func (e *Engine) txnState(id string) txn {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.txns[id]
	if t == nil {
		return txn{}
	}
	c := *t
	c.Credits = append([]CreditSlip(nil), t.Credits...)
	return c
}

// newTxnID returns "<kiosk>-<yyyymmdd>-<nnnnnn>": unique across kiosks,
// which share the gateway, and across restarts, which continue the count.
func (e *Engine) newTxnID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	day := e.cfg.Now().In(receipt.IST).Format("20060102")
	if day != e.day {
		e.day, e.seqToday = day, 0
	}
	for {
		e.seqToday++
		id := fmt.Sprintf("%s-%s-%06d", e.cfg.KioskID, day, e.seqToday)
		if _, used := e.txns[id]; !used {
			return id
		}
	}
}

// BeginSession implements Kiosk.
func (e *Engine) BeginSession() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nSession++
	e.session = fmt.Sprintf("S-%s-%d", e.cfg.Now().In(receipt.IST).Format("150405"), e.nSession)
	e.current = nil
	e.codeAttempts = 0
	return e.session
}

// EndSession implements Kiosk. A payment still running is not abandoned: it
// keeps running to its own end (paid or credited); only the session's
// reference to it is dropped.
func (e *Engine) EndSession() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.session = ""
	e.current = nil
	e.codeAttempts = 0
}

// Snapshot implements Kiosk.
func (e *Engine) Snapshot() Snapshot {
	e.mu.Lock()
	s := Snapshot{SessionID: e.session}
	cur := e.current
	e.mu.Unlock()
	if cur != nil {
		st := cur.State()
		s.TxnID, s.TxnState = st.TxnID, string(st.Phase)
	}
	return s
}

// Billers implements Kiosk.
func (e *Engine) Billers(ctx context.Context, c billpay.Category) ([]billpay.Biller, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	return e.cfg.Bills.Billers(ctx, c)
}

// FetchBill implements Kiosk: the reference is checked against the biller's
// pattern before any request, so a mistyped K-number costs nothing.
func (e *Engine) FetchBill(ctx context.Context, billerID, ref string) (billpay.Bill, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	bs, err := e.cfg.Bills.Billers(ctx, "")
	if err != nil {
		return billpay.Bill{}, err
	}
	found := false
	for _, b := range bs {
		if b.ID == billerID {
			found = true
			if err := b.ValidateRef(ref); err != nil {
				return billpay.Bill{}, err
			}
		}
	}
	if !found {
		return billpay.Bill{}, fmt.Errorf("%w: %q", billpay.ErrUnknownBiller, billerID)
	}
	return e.cfg.Bills.FetchBill(ctx, billerID, ref)
}

// UserCharge implements Kiosk.
func (e *Engine) UserCharge(billpay.Bill) money.Paise { return e.cfg.BillCharge }

// Recovered implements Kiosk.
func (e *Engine) Recovered() []Outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Outcome(nil), e.recovered...)
}

// SimInsertNote implements Kiosk.
func (e *Engine) SimInsertNote(v money.Paise) error {
	if e.cfg.Feeder == nil {
		return ErrNotSimulated
	}
	return e.cfg.Feeder.Insert(v)
}

// SimFault implements Kiosk.
func (e *Engine) SimFault(fault string) error {
	switch fault {
	case "paper-out", "paper-ok":
		if e.cfg.PaperSensor == nil {
			return ErrNotSimulated
		}
		e.cfg.PaperSensor.SetPaperOut(fault == "paper-out")
		return nil
	case "counterfeit", "jam":
		if e.cfg.Feeder == nil {
			return ErrNotSimulated
		}
		if fault == "jam" {
			return e.cfg.Feeder.Jam(true)
		}
		return e.cfg.Feeder.InsertCounterfeit()
	}
	return fmt.Errorf("engine: unknown simulated fault %q (paper-out, paper-ok, counterfeit, jam)", fault)
}

// SimNoteValues implements Kiosk.
func (e *Engine) SimNoteValues() []money.Paise {
	if e.cfg.Feeder == nil {
		return nil
	}
	var vs []money.Paise
	for _, n := range e.cfg.Acceptor.Denominations() {
		vs = append(vs, n.Value)
	}
	return vs
}

// loadKey reads the kiosk's Ed25519 signing key, creating it on first start.
// Credit slips and receipts carry a signature made with it, so a slip can be
// checked offline and a forged one refused.
func loadKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, "kiosk.ed25519")
	b, err := os.ReadFile(path)
	if err == nil {
		seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("engine: key %s is damaged; restore it from the kiosk's backup", path)
		}
		return ed25519.NewKeyFromSeed(seed), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("engine: key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("engine: key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("engine: key: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(hex.EncodeToString(priv.Seed())+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("engine: key: %w", err)
	}
	if f, err := os.Open(tmp); err == nil {
		f.Sync()
		f.Close()
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("engine: key: %w", err)
	}
	return priv, nil
}

// PublicKey is the kiosk's verification key.
func (e *Engine) PublicKey() ed25519.PublicKey { return e.key.Public().(ed25519.PublicKey) }

// sign returns payload + "|" + base64url(signature).
func (e *Engine) sign(payload string) string {
	return payload + "|" + base64.RawURLEncoding.EncodeToString(ed25519.Sign(e.key, []byte(payload)))
}

// VerifySigned checks a signed payload made by sign.
func VerifySigned(pub ed25519.PublicKey, signed string) (payload string, ok bool) {
	i := strings.LastIndexByte(signed, '|')
	if i < 0 {
		return "", false
	}
	sig, err := base64.RawURLEncoding.DecodeString(signed[i+1:])
	if err != nil {
		return "", false
	}
	return signed[:i], ed25519.Verify(pub, []byte(signed[:i]), sig)
}
