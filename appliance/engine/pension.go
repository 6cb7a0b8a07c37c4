package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/receipt"
	"github.com/mitra-kiosk/mitra/drivers/biometric"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/pension"
)

// The capture errors VerifyPension wraps, named here so the UI can tell the
// citizen what went wrong without importing the driver package.
var (
	ErrCaptureTimeout = biometric.ErrTimeout
	ErrPoorQuality    = biometric.ErrPoorQuality
)

// Pension verification (the annual life certificate) moves no money but
// has a side effect that matters as much: a certificate submitted for a
// pensioner. Its state machine:
//
//	(capture: the finger on the scanner; held in memory only, never journaled)
//	txn-begin   kind pension-life, the PPO number and the masked name
//	pay-intent  the submission with the transaction id as idempotency key
//	pay-result  SUCCESS with the certificate number, or FAILURE with a reason
//	print-intent / printed   the pensioner's slip
//	txn-end
//
// A power cut after pay-intent leaves the submission's fate unknown. The
// capture is gone (it was never written down), so recovery can only ask
// by key: SUCCESS or FAILURE is recorded as it stands; UNKNOWN means
// nothing reached the department, and the pensioner verifies again.

const kindPension = "pension-life"

// LifeVerification is the outcome of VerifyPension for the UI.
type LifeVerification struct {
	TxnID         string
	Status        pension.Status // Success or Failure; "" when unconfirmed
	CertificateID string
	ValidUntil    string
	ReasonCode    string // pension.NoMatch, BadCapture, AlreadyVerified
	Problem       Problem
}

// FindPensioner implements Kiosk.
func (e *Engine) FindPensioner(ctx context.Context, ppo string) (pension.Pensioner, error) {
	if e.cfg.Pension == nil || e.cfg.Scanner == nil {
		return pension.Pensioner{}, ErrServiceUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	return e.cfg.Pension.FindPensioner(ctx, ppo)
}

// ScannerReady implements Kiosk: nil when a scanner answers.
func (e *Engine) ScannerReady(ctx context.Context) error {
	if e.cfg.Scanner == nil {
		return ErrServiceUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	_, err := e.cfg.Scanner.Info(ctx)
	return err
}

// captureQuality is the lowest quality score sent on: a poorer capture
// would only come back as a mismatch, costing the pensioner a try.
const captureQuality = 40

// VerifyPension implements Kiosk: it takes the finger, submits the life
// certificate and prints the pensioner's slip. Capture errors wrap the
// biometric package's (the pensioner tries again; nothing was journaled).
func (e *Engine) VerifyPension(ctx context.Context, p pension.Pensioner) (LifeVerification, error) {
	if e.cfg.Pension == nil || e.cfg.Scanner == nil {
		return LifeVerification{}, ErrServiceUnavailable
	}
	pid, err := e.cfg.Scanner.Capture(ctx, biometric.CaptureOptions{Fingers: 1, TimeoutMillis: 15000, Environment: e.cfg.BiometricEnv})
	if err != nil {
		return LifeVerification{}, err
	}
	defer pid.Wipe()
	if pid.Quality < captureQuality {
		return LifeVerification{}, fmt.Errorf("%w (quality %d)", biometric.ErrPoorQuality, pid.Quality)
	}
	id := e.newTxnID()
	if err := e.record(id, recBegin, body{Kind: kindPension, Ref: p.PPO, What: p.Name}); err != nil {
		return LifeVerification{}, err
	}
	if err := e.record(id, recPayIntent, body{Key: id}); err != nil {
		return LifeVerification{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	c, err := e.cfg.Pension.Submit(rctx, pension.SubmitRequest{IdempotencyKey: id, PPO: p.PPO, KioskID: e.cfg.KioskID, PID: pid.Raw})
	cancel()
	pid.Wipe()
	if errors.Is(err, pension.ErrUnavailable) {
		// Sent, answer lost: ask by key (the capture cannot be re-sent).
		c, err = e.pensionStatus(ctx, id)
	}
	out := LifeVerification{TxnID: id}
	if err != nil {
		// Still unknown: the resolver asks until the department answers.
		e.record(id, recAckIssued, body{Reason: err.Error()})
		out.Problem = ProblemGatewayDown
		return out, nil
	}
	return e.finishPension(ctx, id, p, c, true)
}

// pensionStatus asks the department about a submission, a few times.
func (e *Engine) pensionStatus(ctx context.Context, id string) (pension.Certificate, error) {
	var last error
	backoff := e.cfg.PayBackoff
	for i := range e.cfg.PayAttempts {
		if i > 0 {
			select {
			case <-time.After(backoff):
			case <-e.stop:
				return pension.Certificate{}, last
			}
			backoff *= 2
		}
		rctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
		c, err := e.cfg.Pension.CertificateStatus(rctx, id)
		cancel()
		if err == nil {
			return c, nil
		}
		last = err
	}
	return pension.Certificate{}, last
}

// finishPension journals the department's answer, prints the slip (when
// the pensioner is still there) and ends the transaction.
func (e *Engine) finishPension(ctx context.Context, id string, p pension.Pensioner, c pension.Certificate, printNow bool) (LifeVerification, error) {
	out := LifeVerification{TxnID: id, Status: c.Status, CertificateID: c.CertificateID, ValidUntil: c.ValidUntil, ReasonCode: c.ReasonCode}
	reason := c.ReasonCode
	if c.Status == pension.Unknown {
		// Nothing reached the department: no certificate, no refusal.
		out.Status, reason = pension.Failure, "NOT_SUBMITTED"
		out.ReasonCode = reason
	}
	if err := e.record(id, recPayResult, body{Key: id, Status: billpay.Status(out.Status), Ref: c.CertificateID, Reason: reason, What: c.ValidUntil}); err != nil {
		return out, err
	}
	if printNow {
		if err := e.printSlip(ctx, id, "life", e.lifeSlip(id, p, out)); err != nil {
			out.Problem = ProblemPrinterDown
		}
	}
	phase := PhaseDone
	if out.Status != pension.Success {
		phase = PhaseCancelled
	}
	return out, e.record(id, recEnd, body{Phase: phase, Problem: out.Problem})
}

// lifeSlip is the pensioner's slip: the certificate's number and validity,
// or why there is none and what to do.
func (e *Engine) lifeSlip(id string, p pension.Pensioner, v LifeVerification) receipt.Slip {
	fields := []receipt.Field{
		{LabelEn: "PPO no.", LabelHi: "पी.पी.ओ. संख्या", Value: p.PPO},
		{LabelEn: "Pensioner", LabelHi: "पेंशनर", Value: p.Name},
		{LabelEn: "Scheme", LabelHi: "योजना", Value: p.SchemeHi + " / " + p.Scheme},
	}
	footEn, footHi := "Your pension continues. Keep this slip.", "आपकी पेंशन जारी रहेगी। यह पर्ची संभाल कर रखें।"
	if v.Status == pension.Success {
		fields = append(fields,
			receipt.Field{LabelEn: "Certificate no.", LabelHi: "प्रमाण पत्र संख्या", Value: v.CertificateID},
			receipt.Field{LabelEn: "Valid until", LabelHi: "वैध तिथि तक", Value: isoToIndian(v.ValidUntil)})
	} else {
		fields = append(fields, receipt.Field{LabelEn: "Result", LabelHi: "परिणाम", Value: lifeReasonText(v.ReasonCode)})
		footEn, footHi = "Not verified. Visit the Tehsil or treasury office\nfor face or iris verification.",
			"सत्यापन नहीं हुआ। चेहरे या आँख से सत्यापन के लिए\nतहसील या कोषालय जाएँ।"
	}
	return receipt.Slip{Kind: receipt.LifeCertificate, KioskID: e.cfg.KioskID, KioskName: e.cfg.KioskName,
		Time: e.cfg.Now(), TxnID: id, Fields: fields,
		QR:       e.sign(strings.Join([]string{"MITRA-LIFE1", e.cfg.KioskID, id, p.PPO, string(v.Status), v.CertificateID, v.ValidUntil}, "|")),
		FooterEn: footEn, FooterHi: footHi}
}

func lifeReasonText(code string) string {
	switch code {
	case pension.NoMatch:
		return "Fingerprint did not match / अंगुली की छाप मेल नहीं खाई"
	case pension.AlreadyVerified:
		return "Already verified / पहले से सत्यापित"
	case pension.BadCapture:
		return "Fingerprint not read / छाप पढ़ी नहीं गई"
	}
	return "Not submitted / जमा नहीं हुआ"
}

// isoToIndian writes 2027-11-30 as 30-11-2027.
func isoToIndian(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return t.Format("02-01-2006")
}

// resolvePension settles an open pension transaction at start-up or from
// the resolver: only the department knows; the capture is gone.
func (e *Engine) resolvePension(ctx context.Context, id string, printNow bool) (Outcome, error) {
	t := e.txnState(id)
	out := Outcome{TxnID: id}
	if e.cfg.Pension == nil {
		// Left open for a start with the back-end configured: only the
		// department can say what became of it.
		out.Phase, out.Summary = PhaseAcknowledged, id+": life certificate left open: no pension back-end configured"
		return out, nil
	}
	if !t.PayIntent {
		out.Phase, out.Summary = PhaseCancelled, id+": life certificate interrupted before it was sent; the pensioner verifies again"
		return out, e.record(id, recEnd, body{Phase: PhaseCancelled})
	}
	c, err := e.pensionStatus(ctx, id)
	if err != nil {
		if !t.AckIssued {
			e.record(id, recAckIssued, body{Reason: err.Error()})
		}
		out.Phase, out.Summary = PhaseAcknowledged, fmt.Sprintf("%s: life certificate sent, answer unknown (%v); asking again later", id, err)
		return out, nil
	}
	p := pension.Pensioner{PPO: t.PensionPPO, Name: t.PensionName}
	v, err := e.finishPension(ctx, id, p, c, printNow)
	out.Phase = PhaseDone
	if v.Status != pension.Success {
		out.Phase = PhaseCancelled
	}
	out.Summary = fmt.Sprintf("%s: life certificate %s %s", id, v.Status, v.CertificateID)
	return out, err
}
