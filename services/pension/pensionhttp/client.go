// Package pensionhttp is the kiosk's client of a life-certificate back-end
// speaking the API of services/pension/pensionsandbox. It never retries (the
// engine decides, by idempotency key) and checks every answer: a
// certificate for another key or PPO, or a SUCCESS without a certificate
// number, is refused as unavailable rather than acted on.
package pensionhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/mitra-kiosk/mitra/services/internal/jsonclient"
	"github.com/mitra-kiosk/mitra/services/pension"
)

// maxAnswer bounds an answer's size.
const maxAnswer = 64 << 10

// Client talks to one back-end.
type Client struct {
	jc *jsonclient.Client[client]
}

var _ pension.Service = (*Client)(nil)

// New returns a client of the back-end at baseURL.
func New(baseURL string, c *http.Client) *Client {
	return &Client{jc: jsonclient.New[client](baseURL, c, config)}
}

// client names this package in jsonclient's messages.
type client struct{}

func (client) ClientName() string { return "pensionhttp" }

// config is how jsonclient speaks to a life-certificate back-end: only the
// API's two definite refusals, with the status the API gives them, are
// taken at their word.
var config = jsonclient.Config{
	MaxReply: maxAnswer, Unavailable: pension.ErrUnavailable,
	Sentinel: jsonclient.OnlyDefinite(map[jsonclient.Answer]error{
		{Status: http.StatusBadRequest, Code: "INVALID_REF"}: pension.ErrInvalidRef,
		{Status: http.StatusNotFound, Code: "NOT_FOUND"}:     pension.ErrNotFound,
	}, pension.ErrUnavailable),
}

// do sends a request. A 200 answer (and a 404 when allow404) is decoded
// strictly into out; other answers become errors, with the API's error code
// when it sent one.
func (c *Client) do(ctx context.Context, method, path string, in, out any, allow404 bool) (int, error) {
	b, err := c.jc.Do(ctx, method, path, in, nil)
	status := http.StatusOK
	var refused *jsonclient.Error[client]
	if errors.As(err, &refused) {
		status = refused.StatusCode
		switch sentinel := refused.Unwrap(); {
		case allow404 && status == http.StatusNotFound:
			err = nil
		case sentinel == pension.ErrUnavailable:
			err = fmt.Errorf("pensionhttp: %w: HTTP %d %s", sentinel, status, refused.Code)
		default:
			err = fmt.Errorf("pensionhttp: %w", sentinel)
		}
	}
	if err != nil {
		return status, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return status, fmt.Errorf("pensionhttp: %w: answer: %v", pension.ErrUnavailable, err)
	}
	if dec.More() {
		return status, fmt.Errorf("pensionhttp: %w: trailing data in the answer", pension.ErrUnavailable)
	}
	return status, nil
}

// FindPensioner implements pension.Service.
func (c *Client) FindPensioner(ctx context.Context, ppo string) (pension.Pensioner, error) {
	ppo = pension.NormalizePPO(ppo)
	if !pension.ValidPPO(ppo) {
		return pension.Pensioner{}, fmt.Errorf("pensionhttp: %w", pension.ErrInvalidRef)
	}
	var p pension.Pensioner
	if _, err := c.do(ctx, http.MethodPost, "/v1/pension/find", map[string]string{"ppo": ppo}, &p, false); err != nil {
		return pension.Pensioner{}, err
	}
	if p.PPO != ppo || p.Name == "" || p.Scheme == "" {
		return pension.Pensioner{}, fmt.Errorf("pensionhttp: %w: answer is not the pensioner asked for", pension.ErrUnavailable)
	}
	return p, nil
}

// Submit implements pension.Service.
func (c *Client) Submit(ctx context.Context, req pension.SubmitRequest) (pension.Certificate, error) {
	var out pension.Certificate
	if _, err := c.do(ctx, http.MethodPost, "/v1/pension/life-certificates", req, &out, false); err != nil {
		return pension.Certificate{}, err
	}
	return out, check(out, req.IdempotencyKey)
}

// CertificateStatus implements pension.Service.
func (c *Client) CertificateStatus(ctx context.Context, key string) (pension.Certificate, error) {
	var out pension.Certificate
	status, err := c.do(ctx, http.MethodGet, "/v1/pension/life-certificates/"+url.PathEscape(key), nil, &out, true)
	if err != nil {
		return pension.Certificate{}, err
	}
	if status == http.StatusNotFound {
		if out.Status == pension.Unknown && out.IdempotencyKey == key {
			return out, nil
		}
		return pension.Certificate{}, fmt.Errorf("pensionhttp: %w: 404 that is not an unknown submission", pension.ErrUnavailable)
	}
	return out, check(out, key)
}

// check refuses an answer that is not a definite one for key.
func check(c pension.Certificate, key string) error {
	switch {
	case c.IdempotencyKey != key:
		return fmt.Errorf("pensionhttp: %w: answer for %q, not %q", pension.ErrUnavailable, c.IdempotencyKey, key)
	case c.Status == pension.Success && (c.CertificateID == "" || c.ValidUntil == ""):
		return fmt.Errorf("pensionhttp: %w: SUCCESS without a certificate", pension.ErrUnavailable)
	case c.Status == pension.Failure && c.ReasonCode == "":
		return fmt.Errorf("pensionhttp: %w: FAILURE without a reason", pension.ErrUnavailable)
	case c.Status != pension.Success && c.Status != pension.Failure:
		return fmt.Errorf("pensionhttp: %w: status %q", pension.ErrUnavailable, c.Status)
	}
	return nil
}
