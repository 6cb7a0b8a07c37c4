package billpayhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/internal/jsonclient"
)

// maxReply bounds a reply body; the largest (all billers) is a few KB.
const maxReply = 1 << 20

// Client talks to one gateway. It is safe for concurrent use.
type Client struct {
	jc *jsonclient.Client[client]
}

var _ billpay.Service = (*Client)(nil)

// New returns a client for the gateway at baseURL ("http://127.0.0.1:8700").
// A nil c uses http.DefaultClient.
func New(baseURL string, c *http.Client) *Client {
	return &Client{jc: jsonclient.New[client](baseURL, c, config)}
}

// Error is a gateway's answer with a status other than 200: Op ("POST
// /v1/payments"), StatusCode, Code ("NO_BILL_DUE"; empty when the body was
// not an API error) and Message. It unwraps to the billpay sentinel for its
// code (see the package documentation), or to nothing for refusals the
// kiosk has no sentinel for.
type Error = jsonclient.Error[client]

// client names this package in jsonclient's messages.
type client struct{}

func (client) ClientName() string { return "billpayhttp" }

// config is how jsonclient speaks to a gateway.
var config = jsonclient.Config{MaxReply: maxReply, Unavailable: billpay.ErrUnavailable, Sentinel: sentinelFor}

// sentinelFor maps an answer to the billpay error callers branch on. The
// status decides first: only a 4xx is a refusal the gateway stands behind;
// a 5xx (whatever code it carries), a 408 or 429 from a proxy, and any
// other status the API never sends leave the outcome open.
func sentinelFor(status int, code string) error {
	switch {
	case status < 400, status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return billpay.ErrUnavailable
	}
	switch code {
	case "INVALID_REF":
		return billpay.ErrInvalidRef
	case "UNKNOWN_BILLER":
		return billpay.ErrUnknownBiller
	case "NO_BILL_DUE":
		return billpay.ErrNoBill
	case "AMOUNT_MISMATCH":
		return billpay.ErrAmount
	case "UNAVAILABLE":
		return billpay.ErrUnavailable
	}
	return nil
}

// Billers implements billpay.Service.
func (c *Client) Billers(ctx context.Context, cat billpay.Category) ([]billpay.Biller, error) {
	var out []billpay.Biller
	path := "/v1/billers"
	if cat != "" {
		path += "?category=" + url.QueryEscape(string(cat))
	}
	if _, err := c.jc.Do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// FetchBill implements billpay.Service.
func (c *Client) FetchBill(ctx context.Context, billerID, customerRef string) (billpay.Bill, error) {
	var out billpay.Bill
	in := struct {
		BillerID    string `json:"biller_id"`
		CustomerRef string `json:"customer_ref"`
	}{billerID, customerRef}
	if _, err := c.jc.Do(ctx, http.MethodPost, "/v1/bills/fetch", in, &out); err != nil {
		return billpay.Bill{}, err
	}
	if out.BillerID != billerID || out.CustomerRef != customerRef || out.Amount <= 0 {
		return billpay.Bill{}, fmt.Errorf("billpayhttp: fetch: %w: gateway answered a bill for %s %s of %v, asked for %s %s",
			billpay.ErrUnavailable, out.BillerID, out.CustomerRef, out.Amount, billerID, customerRef)
	}
	return out, nil
}

// Pay implements billpay.Service. It sends the request once. An error
// wrapping billpay.ErrUnavailable means the payment may or may not exist:
// ask PaymentStatus with the same key before anything else.
func (c *Client) Pay(ctx context.Context, req billpay.PayRequest) (billpay.Payment, error) {
	var out billpay.Payment
	if _, err := c.jc.Do(ctx, http.MethodPost, "/v1/payments", req, &out); err != nil {
		return billpay.Payment{}, err
	}
	if err := checkPayment(out, req.IdempotencyKey); err != nil {
		return billpay.Payment{}, fmt.Errorf("billpayhttp: pay: %w", err)
	}
	return out, nil
}

// PaymentStatus implements billpay.Service. A 404 carrying a payment with
// status UNKNOWN is the gateway saying it has no payment under key, which is
// an answer, not an error.
func (c *Client) PaymentStatus(ctx context.Context, key string) (billpay.Payment, error) {
	var out billpay.Payment
	body, err := c.jc.Do(ctx, http.MethodGet, "/v1/payments/"+url.PathEscape(key), nil, &out)
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
			var unknown billpay.Payment
			if json.Unmarshal(body, &unknown) == nil && unknown.Status == billpay.Unknown && unknown.IdempotencyKey == key {
				return unknown, nil
			}
		}
		return billpay.Payment{}, err
	}
	if err := checkPayment(out, key); err != nil {
		return billpay.Payment{}, fmt.Errorf("billpayhttp: status: %w", err)
	}
	return out, nil
}

// PaymentsReport implements billpay.Reporter.
func (c *Client) PaymentsReport(ctx context.Context, kioskID, date string) ([]billpay.Payment, error) {
	var out []billpay.Payment
	q := url.Values{"kiosk_id": {kioskID}, "date": {date}}
	if _, err := c.jc.Do(ctx, http.MethodGet, "/v1/reports/payments?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	for _, p := range out {
		if p.IdempotencyKey == "" {
			return nil, fmt.Errorf("billpayhttp: report: %w: a payment without idempotency key", billpay.ErrUnavailable)
		}
	}
	return out, nil
}

var _ billpay.Reporter = (*Client)(nil)

// checkPayment rejects a 200 answer that is not a definite payment for key:
// acting on someone else's payment, or on a status the engine does not
// know, could hand out or keep a citizen's money wrongly. It wraps
// billpay.ErrUnavailable, because the fate of the payment is still open.
func checkPayment(p billpay.Payment, key string) error {
	if p.IdempotencyKey != key {
		return fmt.Errorf("%w: answer is for payment %q, not %q", billpay.ErrUnavailable, p.IdempotencyKey, key)
	}
	switch p.Status {
	case billpay.Success:
		if p.TxnRef == "" {
			return fmt.Errorf("%w: SUCCESS without a transaction reference", billpay.ErrUnavailable)
		}
	case billpay.Failure, billpay.Pending:
	default:
		return fmt.Errorf("%w: status %q in a 200 answer", billpay.ErrUnavailable, p.Status)
	}
	return nil
}
