package engine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp"
	"github.com/mitra-kiosk/mitra/drivers/printer/ipp/ippsim"
	"github.com/mitra-kiosk/mitra/services/documents"
)

// docBackend is a document back-end with the contract of
// services/documents: idempotent orders, Content only after a successful
// order. The engine tests need its faults under their own control.
type docBackend struct {
	mu        sync.Mutex
	docs      map[string]documents.Document
	orders    map[string]documents.Order
	down      bool // Order and OrderStatus fail with ErrUnavailable
	lostReply bool // Order commits, then the reply is lost
	calls     int
}

func newDocBackend() *docBackend {
	return &docBackend{docs: map[string]documents.Document{
		"caste/RJ-2026-CST-0042": {ID: "CST-0042", Kind: documents.Caste, Ref: "RJ-2026-CST-0042", Title: "Caste certificate",
			TitleHi: "जाति प्रमाण पत्र", Holder: "S**** D***", IssuedOn: "2026-10-02", Issuer: "Tehsildar, Sanganer", Pages: 1, Fee: money.Rupees(20)},
	}, orders: map[string]documents.Order{}}
}

func (d *docBackend) Specs(context.Context) ([]documents.RefSpec, error) {
	return []documents.RefSpec{{Kind: documents.Caste, Label: "Application number", Pattern: "^RJ-[0-9]{4}-[A-Z]{3}-[0-9]{4}$"}}, nil
}

func (d *docBackend) Find(_ context.Context, k documents.Kind, ref string) (documents.Document, error) {
	doc, ok := d.docs[string(k)+"/"+ref]
	if !ok {
		return doc, documents.ErrNotFound
	}
	return doc, nil
}

func (d *docBackend) Order(_ context.Context, req documents.OrderRequest) (documents.Order, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if d.down {
		return documents.Order{}, fmt.Errorf("order: %w", documents.ErrUnavailable)
	}
	if o, ok := d.orders[req.IdempotencyKey]; ok {
		return o, nil
	}
	o := documents.Order{IdempotencyKey: req.IdempotencyKey, DocumentID: req.DocumentID, Status: documents.Success,
		Fee: req.Fee, Ref: "ORD-" + req.IdempotencyKey, PostedAt: time.Now()}
	d.orders[req.IdempotencyKey] = o
	if d.lostReply {
		return documents.Order{}, fmt.Errorf("order: reply lost: %w", documents.ErrUnavailable)
	}
	return o, nil
}

func (d *docBackend) OrderStatus(_ context.Context, key string) (documents.Order, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return documents.Order{}, fmt.Errorf("status: %w", documents.ErrUnavailable)
	}
	if o, ok := d.orders[key]; ok {
		return o, nil
	}
	return documents.Order{IdempotencyKey: key, Status: documents.Unknown}, nil
}

func (d *docBackend) Content(_ context.Context, key string) (documents.Content, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	o, ok := d.orders[key]
	if !ok || o.Status != documents.Success {
		return documents.Content{}, documents.ErrNotPaid
	}
	return documents.Content{DocumentID: o.DocumentID, Title: "Caste certificate", TitleHi: "जाति प्रमाण पत्र",
		Fields: []documents.Field{{Label: "Name", LabelHi: "नाम", Value: "Sunita Devi"}}, VerifyQR: "RJ|" + o.DocumentID}, nil
}

// a4 is the kiosk's A4 printer in the tests: the real IPP driver talking
// to the IPP printer simulator over HTTP.
type a4 struct {
	sim *ippsim.Sim
	dev *ipp.Dev
}

func newA4(t *testing.T) *a4 {
	t.Helper()
	sim := ippsim.New(ippsim.Opts{SpoolDir: t.TempDir()})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	dev, err := ipp.New(srv.Client(), srv.URL+"/ipp/print", &ipp.Opts{UserName: "mitra", PollInterval: 5 * time.Millisecond,
		BusyRetries: 2, BusyBackoff: 10 * time.Millisecond, StallTimeout: 2 * time.Second, MaxResponse: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return &a4{sim: sim, dev: dev}
}

// printed counts the jobs the printer completed.
func (p *a4) printed() int {
	n := 0
	for _, j := range p.sim.Jobs() {
		if j.State == ipp.JobCompleted {
			n++
		}
	}
	return n
}

// withDocuments rebuilds r's engine with a document back-end and A4 printer.
func withDocuments(t *testing.T, r *rig, d *docBackend, p *a4) {
	t.Helper()
	cfg := r.e.cfg
	r.e.Close()
	cfg.Documents, cfg.PagePrinter, cfg.DocumentCharge = d, p.dev, money.Rupees(10)
	cfg.RenderDocument = func(c documents.Content, s DocumentStamp) ([]image.Image, error) {
		if c.DocumentID == "" || s.TxnID == "" {
			return nil, errors.New("layout: empty document or stamp")
		}
		page := image.NewGray(image.Rect(0, 0, 2480, 3508))
		for i := range page.Pix {
			page.Pix[i] = 0xFF
		}
		return []image.Image{page}, nil
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.e = e
}

func orderCaste(t *testing.T, r *rig) (CashPayment, <-chan PaymentState) {
	t.Helper()
	r.e.BeginSession()
	doc, err := r.e.FindDocument(context.Background(), documents.Caste, "RJ-2026-CST-0042")
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.e.OrderDocument(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if st := p.State(); st.Due != money.Rupees(30) || st.Document == nil {
		t.Fatalf("state %+v; want ₹20 fee + ₹10 charge for the document", st)
	}
	return p, watch(p)
}

func TestDocumentOrderPrints(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	d, a4 := newDocBackend(), newA4(t)
	withDocuments(t, r, d, a4)
	_, ch := orderCaste(t, r)
	r.sim.Insert(money.Rupees(20))
	r.sim.Insert(money.Rupees(10))
	s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseDone || s.Problem != NoProblem || s.GatewayRef == "" {
		t.Fatalf("final %+v", s)
	}
	if a4.printed() != 1 || len(r.pr.Printed()) != 1 {
		t.Errorf("A4 jobs %d, receipts %v; want one of each", a4.printed(), r.pr.Printed())
	}
	if len(d.orders) != 1 {
		t.Errorf("orders %v; want one", d.orders)
	}
	list, _, _ := ListTransactions(r.state)
	if len(list) != 1 || list[0].Biller != "DOC:caste" || list[0].PayStatus != "SUCCESS" {
		t.Errorf("list %+v", list)
	}
	checkClean(t, r.state)
}

func TestDocumentPaperOutIsReprintable(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	d, a4 := newDocBackend(), newA4(t)
	a4.sim.SetMediaEmpty(true)
	withDocuments(t, r, d, a4)
	_, ch := orderCaste(t, r)
	r.sim.Insert(money.Rupees(20))
	r.sim.Insert(money.Rupees(10))
	s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseDone || s.Problem != ProblemPrinterDown {
		t.Fatalf("final %+v; want done with the printer problem", s)
	}
	if pend := r.e.PendingPrints(); len(pend) != 1 || pend[0].TxnID != s.TxnID || !pend[0].Document {
		t.Fatalf("pending prints %+v; want the document", pend)
	}
	a4.sim.SetMediaEmpty(false)
	if err := r.e.Reprint(context.Background(), s.TxnID); err != nil {
		t.Fatal(err)
	}
	if a4.printed() != 1 || len(r.e.PendingPrints()) != 0 {
		t.Errorf("after reprint: %d A4 jobs, pending %+v", a4.printed(), r.e.PendingPrints())
	}
	if len(d.orders) != 1 {
		t.Errorf("the reprint ordered again: %v", d.orders)
	}
	checkClean(t, r.state)
}

// The order's reply is lost: the citizen gets an acknowledgement, and the
// resolver learns (by key) that the order went through — never a credit.
func TestDocumentOrderLostReply(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	d := newDocBackend()
	withDocuments(t, r, d, newA4(t))
	_, ch := orderCaste(t, r)
	d.mu.Lock()
	d.down = true
	d.mu.Unlock()
	r.sim.Insert(money.Rupees(20))
	r.sim.Insert(money.Rupees(10))
	s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseAcknowledged || s.Credit != nil {
		t.Fatalf("final %+v; want acknowledged and no credit", s)
	}
	d.mu.Lock()
	d.down, d.lostReply = false, true
	d.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if list, _, _ := ListTransactions(r.state); len(list) == 1 && list[0].Phase != "" {
			if list[0].Phase != PhaseDone || list[0].Credited != 0 {
				t.Fatalf("resolved as %+v", list[0])
			}
			if len(d.orders) != 1 {
				t.Errorf("orders %v", d.orders)
			}
			checkClean(t, r.state)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the resolver never finished the order")
}

func TestDocumentsUnavailableWithoutBackend(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	if _, err := r.e.FindDocument(context.Background(), documents.Caste, "x"); !errors.Is(err, ErrServiceUnavailable) {
		t.Errorf("FindDocument without a back-end: %v", err)
	}
	if _, err := r.e.OrderDocument(context.Background(), documents.Document{Fee: 1}); !errors.Is(err, ErrServiceUnavailable) {
		t.Errorf("OrderDocument without a back-end: %v", err)
	}
}
