package engine

import (
	"context"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos"
	"github.com/mitra-kiosk/mitra/drivers/printer/escpos/escpossim"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

// rig is a kiosk on its real drivers talking to their simulators over
// in-process pipes, and the sandbox gateway.
type rig struct {
	e     *Engine
	sim   *esspsim.Sim
	pr    *escpossim.Printer
	gw    *sandbox.Gateway
	state string
	conns []net.Conn
}

func newRig(t *testing.T, state string, gw *sandbox.Gateway, simOpts esspsim.Opts) *rig {
	t.Helper()
	r := &rig{state: state, gw: gw}
	if r.gw == nil {
		g, err := sandbox.NewFromDir("../../testdata/sandbox", filepath.Join(state, "gateway"))
		if err != nil {
			t.Fatal(err)
		}
		r.gw = g
		t.Cleanup(func() { g.Close() })
	}
	host, sim := esspsim.Pipe(simOpts)
	acc, err := essp.New(host, &esspsim.HostOpts)
	if err != nil {
		t.Fatal(err)
	}
	phost, pr, err := escpossim.Pipe(filepath.Join(state, "printer"))
	if err != nil {
		t.Fatal(err)
	}
	r.sim, r.pr, r.conns = sim, pr, []net.Conn{host, phost}
	r.e, err = New(Config{
		KioskID: "RJ-JPR-0001", KioskName: "Test kiosk", StateDir: state,
		Acceptor: acc, Feeder: sim, Printer: escpos.New(phost, &escpossim.HostOpts), Bills: r.gw,
		BillCharge: money.Rupees(5), PollInterval: 5 * time.Millisecond,
		PayAttempts: 2, PayBackoff: 10 * time.Millisecond, ResolveInterval: 20 * time.Millisecond,
		Log: log.New(io.Discard, "", 0),
	})
	if err != nil {
		t.Fatalf("engine.New() = %v", err)
	}
	t.Cleanup(r.close)
	return r
}

func (r *rig) close() {
	if r.e != nil {
		r.e.Close()
		r.e = nil
	}
	for _, c := range r.conns {
		c.Close()
	}
}

// watch returns a channel of every state change of p.
func watch(p CashPayment) <-chan PaymentState {
	ch := make(chan PaymentState, 256)
	p.OnChange(func(s PaymentState) { ch <- s })
	return ch
}

// await reads states until ok(state) or the guard deadline (a hung engine
// must fail the test, not hang it).
func await(t *testing.T, ch <-chan PaymentState, what string, ok func(PaymentState) bool) PaymentState {
	t.Helper()
	guard := time.After(60 * time.Second) // a hung engine fails; a loaded CI machine does not
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s
			}
		case <-guard:
			t.Fatalf("no state with %s", what)
		}
	}
}

func fetch(t *testing.T, r *rig, ref string) billpay.Bill {
	t.Helper()
	b, err := r.e.FetchBill(context.Background(), "JVVNL", ref)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func payments(r *rig) []billpay.Payment { return r.gw.Payments() }

func TestPayHappyPath(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	b := fetch(t, r, "210123456789") // ₹1,235 + ₹5 = ₹1,240
	p, err := r.e.PayByCash(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	ch := watch(p)
	for _, v := range []int64{500, 500, 200, 20, 20} {
		r.sim.Insert(money.Rupees(v))
	}
	s := await(t, ch, "phase done", func(s PaymentState) bool { return s.Phase == PhaseDone })
	if s.Inserted != money.Rupees(1240) || s.Problem != NoProblem || s.GatewayRef == "" || s.Credit != nil {
		t.Errorf("final state %+v", s)
	}
	ps := payments(r)
	if len(ps) != 1 || ps[0].Amount != money.Rupees(1235) || ps[0].IdempotencyKey != s.TxnID {
		t.Errorf("gateway payments = %+v; want one of ₹1,235 keyed %s", ps, s.TxnID)
	}
	if got := r.pr.Printed(); len(got) != 1 {
		t.Errorf("printed %v, want one receipt", got)
	}
	list, _, err := ListTransactions(r.state)
	if err != nil || len(list) != 1 || list[0].Phase != PhaseDone || list[0].Stacked != money.Rupees(1240) {
		t.Errorf("ListTransactions() = %+v, %v", list, err)
	}
	if cb := r.sim.Cashbox(); len(cb) != 5 {
		t.Errorf("cashbox %v", cb)
	}
}

func TestCancelWithNoteInEscrow(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210123456790")) // ₹487.50 + ₹5
	ch := watch(p)
	r.sim.Insert(money.Rupees(2000))
	await(t, ch, "overpay decision", func(s PaymentState) bool { return s.Phase == PhaseOverpay && s.Escrow == money.Rupees(2000) })
	p.Cancel()
	s := await(t, ch, "cancelled", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseCancelled || s.Credit != nil {
		t.Errorf("final %+v, want cancelled without credit", s)
	}
	if len(payments(r)) != 0 || len(r.sim.Cashbox()) != 0 || len(r.pr.Printed()) != 0 {
		t.Errorf("payments %v, cashbox %v, printed %v; want none", payments(r), r.sim.Cashbox(), r.pr.Printed())
	}
}

func TestCancelAfterStackedIssuesCredit(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210987654321"))
	ch := watch(p)
	r.sim.Insert(money.Rupees(500))
	await(t, ch, "₹500 stacked", func(s PaymentState) bool { return s.Inserted == money.Rupees(500) })
	p.Cancel()
	s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseCredited || s.Credit == nil || s.Credit.Amount != money.Rupees(500) {
		t.Fatalf("final %+v, want a ₹500 credit", s)
	}
	if len(payments(r)) != 0 || len(r.pr.Printed()) != 1 {
		t.Errorf("payments %v, printed %v; want no payment and one credit slip", payments(r), r.pr.Printed())
	}
	if _, ok := VerifySigned(r.e.PublicKey(), r.e.creditQR(*s.Credit)); !ok {
		t.Errorf("credit QR signature does not verify")
	}
}

func TestOverpayChoices(t *testing.T) {
	t.Run("return", func(t *testing.T) {
		r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
		p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210555000111")) // ₹610 + ₹5 = ₹615
		ch := watch(p)
		r.sim.Insert(money.Rupees(500))
		r.sim.Insert(money.Rupees(500))
		await(t, ch, "overpay", func(s PaymentState) bool { return s.Phase == PhaseOverpay })
		p.DecideOverpay(false)
		await(t, ch, "back to inserting", func(s PaymentState) bool { return s.Phase == PhaseInserting && s.Escrow == 0 })
		for _, v := range []int64{100, 10, 10} {
			r.sim.Insert(money.Rupees(v))
		}
		await(t, ch, "overpay again", func(s PaymentState) bool { return s.Phase == PhaseOverpay })
		p.DecideOverpay(true) // ₹620 for ₹615: keep ₹5 as credit
		s := await(t, ch, "done", func(s PaymentState) bool { return s.Phase.Final() })
		if s.Phase != PhaseDone || s.Credit == nil || s.Credit.Amount != money.Rupees(5) {
			t.Errorf("final %+v; want done with a ₹5 credit", s)
		}
		if ps := payments(r); len(ps) != 1 || ps[0].Amount != money.Rupees(610) {
			t.Errorf("payments %+v", ps)
		}
	})
}

func TestGatewayOutcomes(t *testing.T) {
	for _, tt := range []struct {
		fault     sandbox.PayFault
		want      Phase
		wantPaid  int
		wantCredt bool
	}{
		{sandbox.PayLost, PhaseDone, 1, false},
		{sandbox.PayPending, PhaseDone, 1, false},
		{sandbox.PayFail, PhaseCredited, 1, true},
	} {
		t.Run(string(tt.fault), func(t *testing.T) {
			r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
			r.gw.SetFaults(sandbox.Faults{Pay: tt.fault, PendingPolls: 1})
			p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210555000111"))
			ch := watch(p)
			for _, v := range []int64{500, 100, 10} {
				r.sim.Insert(money.Rupees(v))
			}
			r.sim.Insert(money.Rupees(10))
			await(t, ch, "overpay", func(s PaymentState) bool { return s.Phase == PhaseOverpay })
			p.DecideOverpay(true)
			s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
			if s.Phase != tt.want || (s.Credit != nil) != tt.wantCredt && tt.want != PhaseDone {
				t.Errorf("final %+v, want %s", s, tt.want)
			}
			if n := len(payments(r)); n != tt.wantPaid {
				t.Errorf("%d payments recorded, want %d", n, tt.wantPaid)
			}
		})
	}
}

func TestGatewayDownThenResolved(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	b := fetch(t, r, "210123456789")
	r.gw.SetFaults(sandbox.Faults{Pay: sandbox.PayDown})
	p, _ := r.e.PayByCash(context.Background(), b)
	ch := watch(p)
	for _, v := range []int64{500, 500, 200, 20, 20} {
		r.sim.Insert(money.Rupees(v))
	}
	s := await(t, ch, "acknowledged", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseAcknowledged || s.Credit != nil || len(payments(r)) != 0 {
		t.Fatalf("final %+v, payments %v; want an acknowledgement and no credit", s, payments(r))
	}
	r.gw.SetFaults(sandbox.Faults{})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		l, _, _ := ListTransactions(r.state)
		if len(l) == 1 && l[0].Phase == PhaseDone {
			if ps := payments(r); len(ps) != 1 {
				t.Fatalf("payments %v", ps)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the resolver did not complete the payment")
}

func TestPrinterOutOfPaper(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	r.pr.SetPaperOut(true)
	p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210123456789"))
	ch := watch(p)
	for _, v := range []int64{2000} {
		r.sim.Insert(money.Rupees(v))
	}
	await(t, ch, "overpay", func(s PaymentState) bool { return s.Phase == PhaseOverpay })
	p.DecideOverpay(true)
	s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseDone || s.Problem != ProblemPrinterDown || s.Credit == nil || s.Credit.Amount != money.Rupees(760) {
		t.Errorf("final %+v; want done, printer-down, ₹760 credit", s)
	}
	l, _, _ := ListTransactions(r.state)
	if l[0].Credited != money.Rupees(760) {
		t.Errorf("journal credited %v", l[0].Credited)
	}
}

func TestRejectedNote(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210123456789"))
	ch := watch(p)
	r.sim.InsertCounterfeit()
	await(t, ch, "note-rejected", func(s PaymentState) bool { return s.Problem == ProblemNoteRejected })
	p.Cancel()
	s := await(t, ch, "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseCancelled || len(r.sim.Cashbox()) != 0 {
		t.Errorf("final %+v", s)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

func TestSettle(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	p, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210123456789")) // ₹1,240 due
	ch := watch(p)
	for _, v := range []int64{500, 500, 200, 20, 20} {
		r.sim.Insert(money.Rupees(v))
	}
	await(t, ch, "done", func(s PaymentState) bool { return s.Phase == PhaseDone })
	p2, _ := r.e.PayByCash(context.Background(), fetch(t, r, "210987654321"))
	ch2 := watch(p2)
	r.sim.Insert(money.Rupees(100))
	await(t, ch2, "₹100 in", func(s PaymentState) bool { return s.Inserted == money.Rupees(100) })
	p2.Cancel()
	await(t, ch2, "credited", func(s PaymentState) bool { return s.Phase == PhaseCredited })

	today := time.Now().In(receipt.IST).Format("2006-01-02")
	s, err := Settle(r.state, today)
	if err != nil {
		t.Fatal(err)
	}
	if s.CashIn != money.Rupees(1340) || s.Paid != money.Rupees(1240) || s.Credits != money.Rupees(100) || s.Difference != 0 ||
		s.Payments != 1 || s.Charges != money.Rupees(5) || s.Notes[money.Rupees(500)] != 2 || s.Notes[money.Rupees(100)] != 1 {
		t.Errorf("Settle() = %+v", s)
	}
	if err := RecordCount(r.state, today, money.Rupees(1330), "operator"); err != nil {
		t.Fatal(err)
	}
	s, _ = Settle(r.state, today)
	if s.Counted == nil || s.CountDifference != -money.Rupees(10) {
		t.Errorf("after a count of ₹1,330: %+v, want a −₹10 difference", s)
	}
	if s, _ := Settle(r.state, "2001-01-01"); s.CashIn != 0 {
		t.Errorf("another day: %+v", s)
	}
	if _, err := Settle(r.state, "25-11-2026"); err == nil {
		t.Errorf("Settle with a bad date succeeded")
	}
}
