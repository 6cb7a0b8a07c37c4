package engine

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
)

// creditFromCancel pays ₹700 towards the ₹1,240 bill and cancels: the
// citizen leaves with a ₹700 credit slip.
func creditFromCancel(t *testing.T, r *rig) CreditSlip {
	t.Helper()
	r.e.BeginSession()
	p, err := r.e.PayByCash(context.Background(), fetch(t, r, "210123456789"))
	if err != nil {
		t.Fatal(err)
	}
	ch := watch(p)
	r.sim.Insert(money.Rupees(500))
	r.sim.Insert(money.Rupees(200))
	await(t, ch, "₹700 in", func(s PaymentState) bool { return s.Inserted == money.Rupees(700) })
	p.Cancel()
	s := await(t, ch, "credited", func(s PaymentState) bool { return s.Phase == PhaseCredited })
	if s.Credit == nil || s.Credit.Amount != money.Rupees(700) || len(s.Credit.Code) != 12 {
		t.Fatalf("credit = %+v; want ₹700 with a 12-digit code", s.Credit)
	}
	r.e.EndSession()
	return *s.Credit
}

func checkClean(t *testing.T, state string) {
	t.Helper()
	v, _, err := Check(state)
	if err != nil || len(v) > 0 {
		t.Errorf("Check() = %v, %v; want no violations", v, err)
	}
}

func TestCreditCoversBillAndIsSpentOnce(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	c := creditFromCancel(t, r)

	r.e.BeginSession()
	got, err := r.e.LookupCredit(FormatCreditCode(c.Code)) // typed with the printed space
	if err != nil || got.ID != c.ID || got.Amount != c.Amount {
		t.Fatalf("LookupCredit() = %+v, %v; want %+v", got, err, c)
	}
	bill, err := r.e.FetchBill(context.Background(), "JVVNL", "210555000111") // ₹610 + ₹5
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.e.PayByCash(context.Background(), bill, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	s := await(t, watch(p), "done", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseDone || s.Applied != money.Rupees(700) || s.Inserted != 0 {
		t.Fatalf("final %+v; want done, ₹700 applied, no notes", s)
	}
	if s.Credit == nil || s.Credit.Amount != money.Rupees(85) || s.Credit.Code == c.Code {
		t.Errorf("change credit = %+v; want a new ₹85 slip", s.Credit)
	}
	if n := len(r.sim.Cashbox()); n != 2 {
		t.Errorf("cashbox holds %d notes; want the first visit's 2 only", n)
	}
	if _, err := r.e.LookupCredit(c.Code); !errors.Is(err, ErrCreditSpent) {
		t.Errorf("second LookupCredit() = %v; want ErrCreditSpent", err)
	}
	if _, err := r.e.PayByCash(context.Background(), bill, c.Code); !errors.Is(err, ErrCreditSpent) {
		t.Errorf("second PayByCash() = %v; want ErrCreditSpent", err)
	}
	ps := payments(r)
	if len(ps) != 1 || ps[0].Amount != money.Rupees(610) {
		t.Errorf("gateway payments = %+v; want the ₹610 bill only", ps)
	}
	checkClean(t, r.state)
	set, err := Settle(r.state, r.e.cfg.Now().In(receipt.IST).Format("2006-01-02"))
	if err != nil {
		t.Fatal(err)
	}
	if set.Redeemed != money.Rupees(700) || set.RedeemedSlips != 1 || set.Difference != 0 {
		t.Errorf("settlement %+v; want ₹700 redeemed and no difference", set)
	}

	// A restart remembers both: the spent slip stays spent, the change
	// slip is spendable.
	r.close()
	r2 := newRig(t, r.state, r.gw, esspsim.Opts{})
	r2.e.BeginSession()
	if _, err := r2.e.LookupCredit(c.Code); !errors.Is(err, ErrCreditSpent) {
		t.Errorf("after restart LookupCredit(spent) = %v", err)
	}
	if got, err := r2.e.LookupCredit(s.Credit.Code); err != nil || got.Amount != money.Rupees(85) {
		t.Errorf("after restart LookupCredit(change) = %+v, %v", got, err)
	}
}

func TestCreditPlusCash(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	c := creditFromCancel(t, r)
	r.e.BeginSession()
	bill, err := r.e.FetchBill(context.Background(), "AVVNL", "110200300400") // ₹875 + ₹5
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.e.PayByCash(context.Background(), bill, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	ch := watch(p)
	if st := p.State(); st.Remaining() != money.Rupees(180) {
		t.Fatalf("remaining %v; want ₹180 after the ₹700 credit", st.Remaining())
	}
	for _, v := range []int64{100, 50, 20, 10} {
		r.sim.Insert(money.Rupees(v))
	}
	s := await(t, ch, "done", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseDone || s.Inserted != money.Rupees(180) || s.Credit != nil {
		t.Errorf("final %+v; want done with ₹180 in notes and no change", s)
	}
	checkClean(t, r.state)
}

func TestCreditComesBackWhenCancelled(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	c := creditFromCancel(t, r)
	r.e.BeginSession()
	p, err := r.e.PayByCash(context.Background(), fetch(t, r, "210123456789"), c.Code)
	if err != nil {
		t.Fatal(err)
	}
	ch := watch(p)
	p.Cancel()
	s := await(t, ch, "credited", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseCredited || s.Credit == nil || s.Credit.Amount != money.Rupees(700) || s.Credit.Code == c.Code {
		t.Errorf("final %+v; want a new ₹700 slip for the spent one", s)
	}
	if out := r.e.OutstandingCredits(); len(out) != 1 || out[0].Code != s.Credit.Code {
		t.Errorf("outstanding %+v; want only the new slip", out)
	}
	checkClean(t, r.state)
}

func TestCreditFailedPaymentReturnsCredit(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	c := creditFromCancel(t, r)
	r.e.BeginSession()
	bill, err := r.e.FetchBill(context.Background(), "JVVNL", "210555000111")
	if err != nil {
		t.Fatal(err)
	}
	bill.Amount = money.Rupees(600) // no longer matches the bill: the gateway refuses
	p, err := r.e.PayByCash(context.Background(), bill, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	s := await(t, watch(p), "final", func(s PaymentState) bool { return s.Phase.Final() })
	if s.Phase != PhaseCredited || s.Credit == nil || s.Credit.Amount != money.Rupees(700) {
		t.Errorf("final %+v; want the ₹700 back as a new slip", s)
	}
	checkClean(t, r.state)
}

func TestCreditWrongCodesLockTheSession(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	c := creditFromCancel(t, r)
	r.e.BeginSession()
	if _, err := r.e.LookupCredit("12345"); !errors.Is(err, ErrCreditFormat) {
		t.Errorf("short code: %v; want ErrCreditFormat", err)
	}
	if _, err := r.e.LookupCredit("0000१२३४५६७८"); !errors.Is(err, ErrCreditFormat) {
		t.Errorf("Devanagari digits: %v; want ErrCreditFormat", err)
	}
	forged := c.Code[:6] + "000000"
	if forged == c.Code {
		forged = c.Code[:6] + "000001"
	}
	for i := range maxCodeAttempts {
		if _, err := r.e.LookupCredit(forged); !errors.Is(err, ErrCreditUnknown) {
			t.Fatalf("wrong code %d: %v; want ErrCreditUnknown", i+1, err)
		}
	}
	if _, err := r.e.LookupCredit(c.Code); !errors.Is(err, ErrCreditLocked) {
		t.Errorf("right code after %d wrong ones: %v; want ErrCreditLocked", maxCodeAttempts, err)
	}
	r.e.EndSession()
	r.e.BeginSession()
	if _, err := r.e.LookupCredit(c.Code); err != nil {
		t.Errorf("next session: %v", err)
	}
}

// The code's authenticator depends on the kiosk key: another kiosk's
// codes, or a code with the right serial and a guessed tail, do not match.
func TestCreditCodeIsBoundToTheKiosk(t *testing.T) {
	a := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	b := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	ca, cb := a.e.creditCode(1, "C-X-1"), b.e.creditCode(1, "C-X-1")
	if ca == cb || ca[:6] != "000001" || cb[:6] != "000001" {
		t.Errorf("codes %s and %s; want the same serial and different authenticators", ca, cb)
	}
	if ca != a.e.creditCode(1, "C-X-1") {
		t.Error("creditCode is not deterministic")
	}
}

// Archiving the segments that issued a credit must not make the kiosk
// forget it owes that money.
func TestCreditSurvivesArchive(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	r.e.Journal().SegmentSize = 2048 // a few records per segment
	c := creditFromCancel(t, r)
	r.e.BeginSession()
	p, err := r.e.PayByCash(context.Background(), fetch(t, r, "210123456789"))
	if err != nil {
		t.Fatal(err)
	}
	ch := watch(p)
	for _, v := range []int64{500, 500, 200, 20, 20} {
		r.sim.Insert(money.Rupees(v))
	}
	await(t, ch, "done", func(s PaymentState) bool { return s.Phase == PhaseDone })
	r.close()

	r2 := newRig(t, r.state, r.gw, esspsim.Opts{})
	arch, _ := filepath.Glob(filepath.Join(r.state, "journal", "archive", "journal-*.log.gz"))
	if len(arch) == 0 {
		t.Fatal("nothing archived; the test needs the issuing segment archived")
	}
	r2.e.BeginSession()
	if got, err := r2.e.LookupCredit(c.Code); err != nil || got.Amount != c.Amount {
		t.Fatalf("after archive LookupCredit() = %+v, %v", got, err)
	}
	bill, err := r2.e.FetchBill(context.Background(), "JVVNL", "210555000111")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := r2.e.PayByCash(context.Background(), bill, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	if s := await(t, watch(p2), "done", func(s PaymentState) bool { return s.Phase.Final() }); s.Phase != PhaseDone {
		t.Errorf("final %+v", s)
	}
	r2.close()
	r3 := newRig(t, r.state, r.gw, esspsim.Opts{})
	r3.e.BeginSession()
	if _, err := r3.e.LookupCredit(c.Code); !errors.Is(err, ErrCreditSpent) {
		t.Errorf("after second restart: %v; want ErrCreditSpent", err)
	}
	checkClean(t, r.state)
}
