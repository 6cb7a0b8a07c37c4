// Package billpayhttp is the kiosk's client for a bill-payment gateway that
// speaks the JSON API documented in services/sandbox: the built-in sandbox,
// or a real aggregator's adapter exposing the same routes.
//
// The client never retries a payment by itself. Whether to re-send a Pay is
// the engine's decision, made after the decision is journaled: the retry uses
// the same idempotency key, and only the engine knows that key's history.
package billpayhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mitra-kiosk/mitra/services/billpay"
)

// Client talks to one gateway. It is safe for concurrent use.
type Client struct {
	base string
	hc   *http.Client
}

// New returns a client for the gateway at baseURL ("http://127.0.0.1:8700").
// A nil c uses http.DefaultClient; bound each call with its context.
func New(baseURL string, c *http.Client) *Client {
	if c == nil {
		c = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), hc: c}
}

var _ billpay.Service = (*Client)(nil)

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Billers implements billpay.Service.
func (c *Client) Billers(ctx context.Context, cat billpay.Category) ([]billpay.Biller, error) {
	var out []billpay.Biller
	err := c.do(ctx, http.MethodGet, "/v1/billers?category="+url.QueryEscape(string(cat)), nil, &out)
	return out, err
}

// FetchBill implements billpay.Service.
func (c *Client) FetchBill(ctx context.Context, billerID, ref string) (billpay.Bill, error) {
	var out billpay.Bill
	err := c.do(ctx, http.MethodPost, "/v1/bills/fetch", map[string]string{"biller_id": billerID, "customer_ref": ref}, &out)
	return out, err
}

// Pay implements billpay.Service. A transport failure after the request was
// sent wraps billpay.ErrUnavailable: the payment may exist upstream.
func (c *Client) Pay(ctx context.Context, req billpay.PayRequest) (billpay.Payment, error) {
	var out billpay.Payment
	err := c.do(ctx, http.MethodPost, "/v1/payments", req, &out)
	return out, err
}

// PaymentStatus implements billpay.Service.
func (c *Client) PaymentStatus(ctx context.Context, key string) (billpay.Payment, error) {
	var out billpay.Payment
	err := c.do(ctx, http.MethodGet, "/v1/payments/"+url.PathEscape(key), nil, &out)
	var nf *notFound
	if errors.As(err, &nf) && nf.body != nil {
		// 404 with a payment body: the gateway has no payment under key.
		if json.Unmarshal(nf.body, &out) == nil && out.Status == billpay.Unknown {
			return out, nil
		}
	}
	return out, err
}

type notFound struct {
	body []byte
	err  error
}

func (n *notFound) Error() string { return n.err.Error() }
func (n *notFound) Unwrap() error { return n.err }

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("billpayhttp: %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("billpayhttp: %s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %v", billpay.ErrUnavailable, method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: %s %s: reading reply: %v", billpay.ErrUnavailable, method, path, err)
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("billpayhttp: %s %s: bad reply: %w", method, path, err)
		}
		return nil
	}
	var ae apiError
	_ = json.Unmarshal(b, &ae)
	cause := mapError(resp.StatusCode, ae.Code)
	err = fmt.Errorf("%w: %s %s: HTTP %d %s: %s", cause, method, path, resp.StatusCode, ae.Code, ae.Message)
	if resp.StatusCode == http.StatusNotFound {
		return &notFound{body: b, err: err}
	}
	return err
}

// errRefused: the gateway refused the request for a reason the kiosk has no
// sentinel for (a programming error on one side); not retryable.
var errRefused = errors.New("billpayhttp: request refused")

func mapError(status int, code string) error {
	switch code {
	case "INVALID_REF":
		return billpay.ErrInvalidRef
	case "UNKNOWN_BILLER":
		return billpay.ErrUnknownBiller
	case "NO_BILL_DUE":
		return billpay.ErrNoBill
	case "AMOUNT_MISMATCH":
		return billpay.ErrAmount
	}
	if status >= 500 {
		return billpay.ErrUnavailable
	}
	return errRefused
}
