package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/biometric"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/rdsim"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/pension/pensionhttp"
	"github.com/mitra-kiosk/mitra/services/pension/pensionsandbox"
)

var pensionKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

// pensionRig adds the simulated scanner (driver ↔ simulator over HTTP)
// and the pension sandbox (over HTTP, through the real client) to r.
type pensionRig struct {
	sim *rdsim.Sim
	sb  *pensionsandbox.Sandbox
}

func withPension(t *testing.T, r *rig) *pensionRig {
	t.Helper()
	sb, err := pensionsandbox.NewFromDir("../../testdata/pension", filepath.Join(r.state, "pension"), pensionKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	psrv := httptest.NewServer(sb.Handler())
	t.Cleanup(psrv.Close)
	sim := rdsim.New(&pensionKey.PublicKey, "20261231")
	ssrv := httptest.NewServer(sim)
	t.Cleanup(ssrv.Close)
	cfg := r.e.cfg
	r.e.Close()
	cfg.Scanner = rdservice.New(ssrv.Client(), ssrv.URL)
	cfg.Pension = pensionhttp.New(psrv.URL, psrv.Client())
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.e = e
	return &pensionRig{sim: sim, sb: sb}
}

func findPensioner(t *testing.T, r *rig, ppo string) pension.Pensioner {
	t.Helper()
	p, err := r.e.FindPensioner(context.Background(), ppo)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLifeCertificate(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	pr := withPension(t, r)
	if err := r.e.ScannerReady(context.Background()); err != nil {
		t.Fatalf("ScannerReady() = %v", err)
	}
	p := findPensioner(t, r, "110120190457")
	v, err := r.e.VerifyPension(context.Background(), p)
	if err != nil || v.Status != pension.Success || v.CertificateID == "" || v.Problem != NoProblem {
		t.Fatalf("VerifyPension() = %+v, %v", v, err)
	}
	if n := len(r.pr.Printed()); n != 1 {
		t.Errorf("%d slips printed, want the pensioner's", n)
	}
	// A worn fingerprint: refused, the slip says where to go.
	v, err = r.e.VerifyPension(context.Background(), findPensioner(t, r, "130340170212"))
	if err != nil || v.Status != pension.Failure || v.ReasonCode != pension.NoMatch {
		t.Errorf("worn fingerprint: %+v, %v", v, err)
	}
	// No finger placed: an error to retry, nothing journaled.
	before, _, _ := ListTransactions(r.state)
	pr.sim.SetFault(rdsim.NoFinger)
	if _, err := r.e.VerifyPension(context.Background(), p); !errors.Is(err, biometric.ErrTimeout) {
		t.Errorf("no finger: %v", err)
	}
	pr.sim.SetFault(rdsim.NoFault)
	after, _, _ := ListTransactions(r.state)
	if len(after) != len(before) {
		t.Errorf("a failed capture journaled a transaction: %d → %d", len(before), len(after))
	}
	// The journal holds no capture.
	segs, _ := filepath.Glob(filepath.Join(r.state, "journal", "journal-*.log"))
	for _, s := range segs {
		b, _ := os.ReadFile(s)
		if bytes.Contains(b, []byte("Skey")) || bytes.Contains(b, []byte("PidData")) || bytes.Contains(b, []byte("Kamla")) {
			t.Errorf("%s holds biometric data or a full name", s)
		}
	}
	checkClean(t, r.state)
}

// The answer is lost after the department recorded the certificate: the
// engine asks by key and gets it — never a second submission.
func TestLifeCertificateLostReply(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	pr := withPension(t, r)
	pr.sb.SetFault("lost-reply")
	go func() {
		time.Sleep(30 * time.Millisecond)
		pr.sb.SetFault("ok")
	}()
	v, err := r.e.VerifyPension(context.Background(), findPensioner(t, r, "120230210771"))
	if err != nil || v.Status != pension.Success {
		t.Fatalf("after a lost reply: %+v, %v", v, err)
	}
	if n := len(pr.sb.Certificates()); n != 1 {
		t.Errorf("%d submissions recorded, want 1", n)
	}
}

// The department is down after the submission was sent: the kiosk says
// it is not confirmed, and the resolver records the answer later.
func TestLifeCertificateResolvedLater(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	pr := withPension(t, r)
	p := findPensioner(t, r, "110560200654")
	pr.sb.SetFault("down")
	v, err := r.e.VerifyPension(context.Background(), p)
	if err != nil || v.Problem != ProblemGatewayDown || v.Status != "" {
		t.Fatalf("down: %+v, %v", v, err)
	}
	pr.sb.SetFault("ok")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if l, _, _ := ListTransactions(r.state); len(l) == 1 && l[0].Phase != "" {
			// Down at submission: nothing reached the department.
			if l[0].Phase != PhaseCancelled {
				t.Errorf("resolved as %+v", l[0])
			}
			checkClean(t, r.state)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the resolver never settled the life certificate")
}

// A power cut right after the intent: recovery asks by key; the
// department never got it, so the pensioner is told to verify again.
func TestLifeCertificateRecovery(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	withPension(t, r)
	id := r.e.newTxnID()
	r.e.record(id, recBegin, body{Kind: kindPension, Ref: "110120180093", What: "B****** L** B******"})
	r.e.record(id, recPayIntent, body{Key: id})
	r.close()
	r2 := newRig(t, r.state, r.gw, esspsim.Opts{})
	withPension(t, r2)
	out := r2.e.Recovered()
	if len(out) != 1 || out[0].TxnID != id || out[0].Phase != PhaseCancelled {
		t.Errorf("recovered %+v", out)
	}
	checkClean(t, r2.state)
}
