// Package billpay defines the bill-payment back-end as the kiosk sees it, in
// the shape of India's BBPS flow: fetch a bill for a biller and a customer
// reference, pay it with an idempotency key, ask for the status of a payment.
//
// Implementations: services/sandbox (the built-in gateway, also serving the
// HTTP API) and services/billpay/billpayhttp (the client the kiosk uses to
// talk to any gateway speaking that API).
package billpay

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Category groups billers on the kiosk's "Pay bills" screen.
type Category string

const (
	Electricity Category = "electricity"
	Water       Category = "water"
	Telephone   Category = "telephone"
	Mobile      Category = "mobile"
)

// Biller is one company whose bills the kiosk can pay.
type Biller struct {
	ID       string   `json:"id"`       // "JVVNL"
	Name     string   `json:"name"`     // "Jaipur Vidyut Vitran Nigam Ltd."
	NameHi   string   `json:"name_hi"`  // "जयपुर विद्युत वितरण निगम लि."
	Category Category `json:"category"` // Electricity
	// RefLabel names the customer reference ("K-number") and RefPattern is the
	// regular expression a reference must match in full ("^[0-9]{12}$").
	RefLabel   string `json:"ref_label"`
	RefLabelHi string `json:"ref_label_hi"`
	RefPattern string `json:"ref_pattern"`
}

// ValidateRef checks ref against the biller's pattern. The error wraps
// ErrInvalidRef.
func (b Biller) ValidateRef(ref string) error {
	re, err := regexp.Compile(b.RefPattern)
	if err != nil {
		return fmt.Errorf("billpay: biller %s has a bad reference pattern: %w", b.ID, err)
	}
	if !re.MatchString(ref) {
		return fmt.Errorf("%w: %q for %s", ErrInvalidRef, ref, b.ID)
	}
	return nil
}

// Bill is one bill as fetched.
type Bill struct {
	BillerID     string      `json:"biller_id"`
	CustomerRef  string      `json:"customer_ref"`  // the K-number
	BillNumber   string      `json:"bill_number"`   // the biller's bill number
	CustomerName string      `json:"customer_name"` // masked by the gateway: "R***** K****"
	Amount       money.Paise `json:"amount"`
	DueDate      string      `json:"due_date"` // YYYY-MM-DD
	BillDate     string      `json:"bill_date"`
	// FetchRef is the gateway's reference for this fetch; Pay quotes it.
	FetchRef string `json:"fetch_ref"`
}

// Status is the state of a payment upstream.
type Status string

const (
	Success Status = "SUCCESS"
	Failure Status = "FAILURE"
	Pending Status = "PENDING"
	Unknown Status = "UNKNOWN" // the gateway has no payment with that key
)

// PayRequest asks for one payment. IdempotencyKey is the kiosk's
// transaction id: the gateway must answer a repeated request with the same
// key with the original result and never post a second payment.
type PayRequest struct {
	IdempotencyKey string      `json:"idempotency_key"`
	BillerID       string      `json:"biller_id"`
	CustomerRef    string      `json:"customer_ref"`
	BillNumber     string      `json:"bill_number"`
	FetchRef       string      `json:"fetch_ref"`
	Amount         money.Paise `json:"amount"`
	Mode           string      `json:"mode"`    // "Cash", "UPI", "Card"
	Channel        string      `json:"channel"` // "KIOSK"
	KioskID        string      `json:"kiosk_id"`
}

// Payment is the gateway's record of a payment.
type Payment struct {
	IdempotencyKey string      `json:"idempotency_key"`
	Status         Status      `json:"status"`
	Amount         money.Paise `json:"amount"`
	BillerID       string      `json:"biller_id"`
	CustomerRef    string      `json:"customer_ref"`
	BillNumber     string      `json:"bill_number"`
	// TxnRef is the gateway's (BBPS) transaction reference, printed on the
	// receipt; empty unless Status is Success.
	TxnRef   string    `json:"txn_ref"`
	Reason   string    `json:"reason,omitempty"` // why, for Failure
	PostedAt time.Time `json:"posted_at"`
}

// Service is a bill-payment back-end.
type Service interface {
	// Billers lists the billers of a category.
	Billers(ctx context.Context, c Category) ([]Biller, error)
	// FetchBill fetches the current bill. Errors wrap ErrInvalidRef,
	// ErrUnknownBiller, ErrNoBill or ErrUnavailable.
	FetchBill(ctx context.Context, billerID, customerRef string) (Bill, error)
	// Pay posts a payment; see PayRequest for idempotency. A Pending result
	// must be followed by PaymentStatus polls. Transport failures wrap
	// ErrUnavailable: the payment may or may not exist, so the caller must
	// ask PaymentStatus with the same key before doing anything else.
	Pay(ctx context.Context, req PayRequest) (Payment, error)
	// PaymentStatus returns the payment recorded under key, with Status
	// Unknown when there is none.
	PaymentStatus(ctx context.Context, key string) (Payment, error)
}

// Reporter is the gateway's daily report of a kiosk's payments (an agent
// institution's transaction MIS). Reconciliation compares it with the
// kiosk's journal: the two must agree payment by payment.
type Reporter interface {
	// PaymentsReport lists the payments kioskID posted on date (YYYY-MM-DD,
	// India Standard Time, by PostedAt), in their current state.
	PaymentsReport(ctx context.Context, kioskID, date string) ([]Payment, error)
}

// Errors callers branch on.
var (
	ErrInvalidRef    = errors.New("billpay: invalid customer reference")
	ErrUnknownBiller = errors.New("billpay: unknown biller")
	ErrNoBill        = errors.New("billpay: no bill due")
	ErrUnavailable   = errors.New("billpay: gateway unavailable")
	ErrAmount        = errors.New("billpay: amount does not match the bill")
)
