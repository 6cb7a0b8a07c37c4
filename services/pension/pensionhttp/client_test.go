package pensionhttp

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/biometric"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/rdsim"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/pension/pensionsandbox"
)

var verifierKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

// today is inside the November verification window of the test data.
var today = time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)

type rig struct {
	sb    *pensionsandbox.Sandbox
	c     *Client
	scan  *rdservice.Dev
	sim   *rdsim.Sim
	state string
}

func newRig(t *testing.T, state string, now func() time.Time) *rig {
	t.Helper()
	sb, err := pensionsandbox.NewFromDir("../../../testdata/pension", state, verifierKey, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	sim := rdsim.New(&verifierKey.PublicKey, "20261231")
	ssrv := httptest.NewServer(sim)
	t.Cleanup(ssrv.Close)
	return &rig{sb: sb, c: New(srv.URL, srv.Client()), scan: rdservice.New(ssrv.Client(), ssrv.URL), sim: sim, state: state}
}

func (r *rig) capture(t *testing.T) []byte {
	t.Helper()
	pid, err := r.scan.Capture(context.Background(), biometric.CaptureOptions{Fingers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return pid.Raw
}

func TestFindPensioner(t *testing.T) {
	r := newRig(t, t.TempDir(), func() time.Time { return today })
	p, err := r.c.FindPensioner(context.Background(), "1101 2019 0457")
	if err != nil || p.Name != "K**** D*** M****" || !p.Due || p.VerifiedUntil != "" {
		t.Errorf("due pensioner = %+v, %v", p, err)
	}
	if p, err := r.c.FindPensioner(context.Background(), "210450150388"); err != nil || p.Due || p.VerifiedUntil != "2027-11-30" {
		t.Errorf("verified pensioner = %+v, %v", p, err)
	}
	if _, err := r.c.FindPensioner(context.Background(), "999999999999"); !errors.Is(err, pension.ErrNotFound) {
		t.Errorf("unknown PPO: %v", err)
	}
	if _, err := r.c.FindPensioner(context.Background(), "12345"); !errors.Is(err, pension.ErrInvalidRef) {
		t.Errorf("short PPO: %v", err)
	}
}

func TestSubmitOutcomes(t *testing.T) {
	r := newRig(t, t.TempDir(), func() time.Time { return time.Now() })
	ctx := context.Background()
	// A real-time clock: the sandbox checks the capture's freshness, and
	// the simulated scanner stamps captures now. The data's validity dates
	// make every "match" pensioner due only in the verification window, so
	// this test pins the outcome codes, not the window.
	c, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-1", PPO: "130340170212", KioskID: "RJ-JPR-0001", PID: r.capture(t)})
	if err != nil || c.Status != pension.Failure || (c.ReasonCode != pension.NoMatch && c.ReasonCode != pension.AlreadyVerified) {
		t.Errorf("worn fingerprint: %+v, %v", c, err)
	}
	// Tampered block: refused as a bad capture.
	raw := r.capture(t)
	i := bytes.Index(raw, []byte("<Data"))
	raw[i+40] ^= 0x01
	if c, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-2", PPO: "110120190457", PID: raw}); err != nil || c.Status != pension.Failure {
		t.Errorf("tampered: %+v, %v", c, err)
	}
}

func TestVerificationInTheWindow(t *testing.T) {
	state := t.TempDir()
	r := newRig(t, state, func() time.Time { return today })
	ctx := context.Background()
	// The scanner stamps captures with the real clock; the sandbox's clock
	// is pinned to 25 November 2026: move the scanner's clock too.
	r.sim = nil
	sim := rdsim.New(&verifierKey.PublicKey, "20261231")
	sim.SetClock(func() time.Time { return today.Add(-time.Minute) })
	ssrv := httptest.NewServer(sim)
	defer ssrv.Close()
	r.scan = rdservice.New(ssrv.Client(), ssrv.URL)

	pid := r.capture(t)
	c, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-10", PPO: "110120190457", KioskID: "RJ-JPR-0001", PID: pid})
	if err != nil || c.Status != pension.Success || c.CertificateID == "" || c.ValidUntil != "2027-11-30" {
		t.Fatalf("verification: %+v, %v", c, err)
	}
	// A repeat answers the original; a new key is refused as verified.
	if again, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-10", PPO: "110120190457", PID: r.capture(t)}); err != nil || again.CertificateID != c.CertificateID {
		t.Errorf("repeat: %+v, %v", again, err)
	}
	if c2, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-11", PPO: "110120190457", PID: r.capture(t)}); err != nil || c2.ReasonCode != pension.AlreadyVerified {
		t.Errorf("second certificate: %+v, %v", c2, err)
	}
	if c3, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-12", PPO: "130340170212", PID: r.capture(t)}); err != nil || c3.ReasonCode != pension.NoMatch {
		t.Errorf("worn fingerprint: %+v, %v", c3, err)
	}
	// A capture from an hour ago is refused.
	sim.SetClock(func() time.Time { return today.Add(-time.Hour) })
	if c4, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-13", PPO: "120230210771", PID: r.capture(t)}); err != nil || c4.ReasonCode != pension.BadCapture {
		t.Errorf("stale capture: %+v, %v", c4, err)
	}
	sim.SetClock(func() time.Time { return today })

	// Lost reply: the submission stands; the status by key tells.
	r.sb.SetFault("lost-reply")
	if _, err := r.c.Submit(ctx, pension.SubmitRequest{IdempotencyKey: "K-14", PPO: "120230210771", PID: r.capture(t)}); !errors.Is(err, pension.ErrUnavailable) {
		t.Fatalf("lost reply: %v", err)
	}
	r.sb.SetFault("ok")
	if st, err := r.c.CertificateStatus(ctx, "K-14"); err != nil || st.Status != pension.Success {
		t.Errorf("status after lost reply: %+v, %v", st, err)
	}
	if st, err := r.c.CertificateStatus(ctx, "K-99"); err != nil || st.Status != pension.Unknown {
		t.Errorf("status of an unknown key: %+v, %v", st, err)
	}
	r.sb.SetFault("down")
	if _, err := r.c.CertificateStatus(ctx, "K-14"); !errors.Is(err, pension.ErrUnavailable) {
		t.Errorf("down: %v", err)
	}
	r.sb.SetFault("ok")

	// The ledger keeps certificates, never a capture; a restart remembers.
	ledger, _ := os.ReadFile(filepath.Join(state, "life-certificates.jsonl"))
	if bytes.Contains(ledger, []byte("Skey")) || bytes.Contains(ledger, []byte("pid")) || !bytes.Contains(ledger, []byte(c.CertificateID)) {
		t.Errorf("ledger: %s", ledger)
	}
	r.sb.Close()
	sb2, err := pensionsandbox.NewFromDir("../../../testdata/pension", state, verifierKey, func() time.Time { return today })
	if err != nil {
		t.Fatal(err)
	}
	defer sb2.Close()
	if p, _ := sb2.FindPensioner(ctx, "110120190457"); p.Due || p.VerifiedUntil != "2027-11-30" {
		t.Errorf("after restart: %+v", p)
	}
}

func TestGarbageAnswers(t *testing.T) {
	for name, body := range map[string]string{
		"other key":       `{"idempotency_key":"X","ppo":"110120190457","status":"SUCCESS","certificate_id":"C","valid_until":"2027-11-30"}`,
		"no certificate":  `{"idempotency_key":"K","ppo":"110120190457","status":"SUCCESS"}`,
		"unknown status":  `{"idempotency_key":"K","ppo":"110120190457","status":"MAYBE"}`,
		"failure no code": `{"idempotency_key":"K","ppo":"110120190457","status":"FAILURE"}`,
		"extra field":     `{"idempotency_key":"K","status":"SUCCESS","certificate_id":"C","valid_until":"x","pid":"AAAA"}`,
		"trailing":        `{"idempotency_key":"K","status":"FAILURE","reason_code":"NO_MATCH"}{}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		_, err := New(srv.URL, srv.Client()).Submit(context.Background(), pension.SubmitRequest{IdempotencyKey: "K", PPO: "110120190457"})
		if !errors.Is(err, pension.ErrUnavailable) {
			t.Errorf("%s: %v; want ErrUnavailable", name, err)
		}
		srv.Close()
	}
}

func FuzzCertificateAnswer(f *testing.F) {
	f.Add([]byte(`{"idempotency_key":"K","ppo":"110120190457","status":"SUCCESS","certificate_id":"C","valid_until":"2027-11-30"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(b) }))
		defer srv.Close()
		c, err := New(srv.URL, srv.Client()).Submit(context.Background(), pension.SubmitRequest{IdempotencyKey: "K"})
		if err == nil && (c.IdempotencyKey != "K" || (c.Status == pension.Success && c.CertificateID == "")) {
			t.Errorf("accepted %q as %+v", b, c)
		}
	})
}
