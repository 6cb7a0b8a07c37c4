// Package pension defines the annual life-certificate (pension
// verification) back-end as the kiosk sees it: find the pensioner by
// pension payment order (PPO) number, submit a life certificate carrying a
// sealed fingerprint capture (a PID block from a registered device) with an
// idempotency key, and ask what became of a submission.
//
// Every November a pensioner in Rajasthan must prove being alive, or the
// pension stops. The kiosk carries the sealed capture to the department and
// keeps nothing of it; a submission whose answer was lost is asked about by
// key, never re-sent with an old capture (the kiosk does not keep one).
//
// Implementations: services/pension/pensionsandbox (the built-in sandbox,
// data in testdata/pension, also serving the HTTP API) and
// services/pension/pensionhttp (the client).
package pension

import (
	"context"
	"errors"
	"regexp"
	"strings"
)

// PPOPattern is a pension payment order number as the kiosk takes it: the
// 12 digits printed on the pension passbook (department, district, serial).
const PPOPattern = `^[0-9]{12}$`

var ppoRE = regexp.MustCompile(PPOPattern)

// ValidPPO reports whether ppo (spaces removed) is a well-formed number.
func ValidPPO(ppo string) bool { return ppoRE.MatchString(NormalizePPO(ppo)) }

// NormalizePPO drops spaces and dashes a passbook prints between groups.
func NormalizePPO(ppo string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(ppo)
}

// Pensioner is what the kiosk shows before asking for a finger.
type Pensioner struct {
	PPO      string `json:"ppo"`
	Name     string `json:"name"` // masked: "K**** D***"
	Scheme   string `json:"scheme"`
	SchemeHi string `json:"scheme_hi"`
	District string `json:"district"`
	// VerifiedUntil is the end of the current certificate's validity
	// (YYYY-MM-DD); empty when none is valid.
	VerifiedUntil string `json:"verified_until,omitempty"`
	// Due says a new life certificate is needed now.
	Due bool `json:"due"`
}

// Status is the state of a submission.
type Status string

const (
	Success Status = "SUCCESS"
	Failure Status = "FAILURE"
	Unknown Status = "UNKNOWN" // no submission under that key
)

// SubmitRequest submits a life certificate. PID is the RD service's
// PidData XML, exactly as captured; it must not be kept by anyone but the
// verifier.
type SubmitRequest struct {
	IdempotencyKey string `json:"idempotency_key"`
	PPO            string `json:"ppo"`
	KioskID        string `json:"kiosk_id"`
	PID            []byte `json:"pid"`
}

// Certificate is the answer to a submission.
type Certificate struct {
	IdempotencyKey string `json:"idempotency_key"`
	PPO            string `json:"ppo"`
	Status         Status `json:"status"`
	// CertificateID is the life certificate's number on SUCCESS.
	CertificateID string `json:"certificate_id,omitempty"`
	VerifiedOn    string `json:"verified_on,omitempty"` // YYYY-MM-DD
	ValidUntil    string `json:"valid_until,omitempty"` // YYYY-MM-DD
	Reason        string `json:"reason,omitempty"`      // why, on FAILURE (English)
	ReasonCode    string `json:"reason_code,omitempty"` // NO_MATCH, BAD_CAPTURE, ALREADY_VERIFIED
}

// Reason codes of a FAILURE, for the UI's message.
const (
	NoMatch         = "NO_MATCH"         // the finger did not match: try another, or go to the office
	BadCapture      = "BAD_CAPTURE"      // the sealed block did not open or is stale
	AlreadyVerified = "ALREADY_VERIFIED" // a certificate is already valid
)

// Service is the life-certificate back-end.
type Service interface {
	// FindPensioner looks up a PPO number. Errors wrap ErrInvalidRef,
	// ErrNotFound or ErrUnavailable.
	FindPensioner(ctx context.Context, ppo string) (Pensioner, error)
	// Submit submits a life certificate; a repeat with the same key
	// answers the original. Transport failures wrap ErrUnavailable: ask
	// CertificateStatus with the same key.
	Submit(ctx context.Context, req SubmitRequest) (Certificate, error)
	// CertificateStatus returns the submission under key (Status Unknown
	// when there is none).
	CertificateStatus(ctx context.Context, key string) (Certificate, error)
}

// Errors callers branch on.
var (
	ErrInvalidRef  = errors.New("pension: invalid PPO number")
	ErrNotFound    = errors.New("pension: no pensioner with that PPO number")
	ErrUnavailable = errors.New("pension: back-end unavailable")
)
