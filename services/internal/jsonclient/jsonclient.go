// Package jsonclient is the request plumbing shared by the kiosk's HTTP
// clients of its back-ends (services/billpay/billpayhttp,
// services/documents/docshttp, services/status/statushttp): one JSON
// request, a bounded reply, and an answer other than 200 turned into an
// *Error carrying the API's code and message and the sentinel error it
// means.
//
// It exists so that those clients treat the wire alike: every failure that
// leaves the outcome open (transport error, timeout or cancelled context, a
// reply that cannot be read or decoded) wraps the client's "unavailable"
// sentinel, and nothing here retries: whether to send again is the engine's
// decision, made under an idempotency key it journals. What an answer means
// (the code → sentinel table, the checks of a 200 answer) stays with each
// client.
package jsonclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Namer names a client in its error messages ("billpayhttp"). Each client
// declares its own type for it, which also makes its Error type its own:
// errors.As with a *billpayhttp.Error never catches a docshttp answer.
type Namer interface {
	ClientName() string
}

// Config is what differs between the clients, besides their name.
type Config struct {
	// MaxReply bounds a reply body in bytes; a larger one is an open
	// outcome, not a truncated answer.
	MaxReply int
	// Unavailable is the client's sentinel for an open outcome
	// (billpay.ErrUnavailable).
	Unavailable error
	// UnsentIsUnavailable makes a request that cannot even be built (a
	// malformed base URL) wrap Unavailable too. Without it that error
	// wraps nothing: for a payment, "not sent" is a definite answer.
	UnsentIsUnavailable bool
	// Sentinel maps a refusal's status and code to the sentinel callers
	// branch on, or nil for one they have none for.
	Sentinel func(status int, code string) error
}

// Answer is the status and API code of an answer other than 200.
type Answer struct {
	Status int
	Code   string
}

// OnlyDefinite is a Config.Sentinel for an API whose refusals are all
// "try later" but for a few: it takes the answers in definite at their
// word, and only with the status the API gives them (a NO_RECORD in a
// 5xx, or a bare 404 from a proxy or a wrong path, must not tell a citizen
// their matter does not exist); every other answer is unavailable.
func OnlyDefinite(definite map[Answer]error, unavailable error) func(status int, code string) error {
	return func(status int, code string) error {
		if err, ok := definite[Answer{status, code}]; ok {
			return err
		}
		return unavailable
	}
}

// Client sends requests to one back-end. It is safe for concurrent use.
type Client[N Namer] struct {
	cfg  Config
	base string
	hc   *http.Client
}

// New returns a client for the back-end at baseURL (a trailing slash is
// dropped). A nil hc uses http.DefaultClient. The client sets no timeout
// of its own: the caller's context is the only deadline.
func New[N Namer](baseURL string, hc *http.Client, cfg Config) *Client[N] {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client[N]{cfg: cfg, base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// Error is a back-end's answer with a status other than 200. Clients
// export it under their own name (type Error = jsonclient.Error[client]).
type Error[N Namer] struct {
	Op         string // "POST /v1/payments"
	StatusCode int
	Code       string // "NO_BILL_DUE"; empty when the body was not an API error
	Message    string
	sentinel   error
}

// Error describes the answer: client, operation, status, code and the
// back-end's message.
func (e *Error[N]) Error() string {
	var n N
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	code := ""
	if e.Code != "" {
		code = " " + e.Code
	}
	return fmt.Sprintf("%s: %s: HTTP %d%s: %s", n.ClientName(), e.Op, e.StatusCode, code, msg)
}

// Unwrap returns the sentinel the answer means, or nil.
func (e *Error[N]) Unwrap() error { return e.sentinel }

// maxMessage bounds, in characters, the message kept from a body that is
// not an API error: a proxy's HTML error page is not worth logging whole.
const maxMessage = 200

// refusal builds the *Error for a non-200 answer.
func (c *Client[N]) refusal(op string, status int, body []byte) *Error[N] {
	var ae struct{ Code, Message string }
	if json.Unmarshal(body, &ae) != nil {
		ae.Code, ae.Message = "", strings.ToValidUTF8(strings.TrimSpace(string(body)), "?")
		if r := []rune(ae.Message); len(r) > maxMessage {
			ae.Message = string(r[:maxMessage]) + "…"
		}
	}
	return &Error[N]{Op: op, StatusCode: status, Code: ae.Code, Message: ae.Message, sentinel: c.cfg.Sentinel(status, ae.Code)}
}

// Do sends one request, with in as its JSON body unless in is nil, and
// decodes a 200 answer into out unless out is nil. It returns the reply
// body of a 200 answer, and of any other answer too, with an *Error.
func (c *Client[N]) Do(ctx context.Context, method, path string, in, out any) ([]byte, error) {
	var n N
	name, unavailable := n.ClientName(), c.cfg.Unavailable
	op := method + " " + path
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: encode: %w", name, op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		if c.cfg.UnsentIsUnavailable {
			return nil, fmt.Errorf("%s: %s: %w: %w", name, op, unavailable, err)
		}
		return nil, fmt.Errorf("%s: %s: %w", name, op, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// Includes a deadline or cancellation: the request may have
		// reached the back-end.
		return nil, fmt.Errorf("%s: %s: %w: %w", name, op, unavailable, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, int64(c.cfg.MaxReply)+1))
	if err == nil && len(b) > c.cfg.MaxReply {
		err = fmt.Errorf("reply larger than %d bytes", c.cfg.MaxReply)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s: reading the reply: %w: %w", name, op, unavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return b, c.refusal(op, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return nil, fmt.Errorf("%s: %s: decoding the reply: %w: %w", name, op, unavailable, err)
		}
	}
	return b, nil
}
