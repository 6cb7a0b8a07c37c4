package statushttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/mitra-kiosk/mitra/services/internal/jsonclient"
	"github.com/mitra-kiosk/mitra/services/internal/strictjson"
	"github.com/mitra-kiosk/mitra/services/status"
)

// maxReply bounds a reply body: the largest answer (the specs, or a
// result at status's bounds) is a few tens of KB.
const maxReply = 256 << 10

// Client talks to one status back-end. It is safe for concurrent use.
type Client struct {
	jc *jsonclient.Client[client]

	mu    sync.Mutex
	specs []status.RefSpec // of the last successful Specs; nil before
}

var _ status.Service = (*Client)(nil)

// New returns a client for the back-end at baseURL
// ("http://127.0.0.1:8701"). A nil c uses http.DefaultClient.
func New(baseURL string, c *http.Client) *Client {
	return &Client{jc: jsonclient.New[client](baseURL, c, config)}
}

// Error is a back-end's answer with a status other than 200: Op ("POST
// /v1/status/lookup"), StatusCode, Code ("NO_RECORD"; empty when the body
// was not an API error) and Message. It unwraps to the status sentinel it
// means (see the package documentation).
type Error = jsonclient.Error[client]

// client names this package in jsonclient's messages.
type client struct{}

func (client) ClientName() string { return "statushttp" }

// config is how jsonclient speaks to a status back-end. Every answer but
// the two definite ones is "try later", even a base URL too malformed to
// send to: a NO_RECORD in a 5xx, or a bare 404 from a proxy or a wrong
// path, must not tell a citizen their matter does not exist.
var config = jsonclient.Config{
	MaxReply: maxReply, Unavailable: status.ErrUnavailable, UnsentIsUnavailable: true,
	Sentinel: jsonclient.OnlyDefinite(map[jsonclient.Answer]error{
		{Status: http.StatusBadRequest, Code: "INVALID_REF"}: status.ErrInvalidRef,
		{Status: http.StatusNotFound, Code: "NO_RECORD"}:     status.ErrNotFound,
	}, status.ErrUnavailable),
}

// Specs implements status.Service. The specs are checked (see the package
// documentation) and kept for Lookup's validation.
func (c *Client) Specs(ctx context.Context) ([]status.RefSpec, error) {
	const op = "GET /v1/status/specs"
	body, err := c.jc.Do(ctx, http.MethodGet, "/v1/status/specs", nil, nil)
	if err != nil {
		return nil, err
	}
	specs, err := decodeSpecs(body)
	if err != nil {
		return nil, fmt.Errorf("statushttp: %s: %w: %w", op, status.ErrUnavailable, err)
	}
	c.mu.Lock()
	c.specs = specs
	c.mu.Unlock()
	return cloneSpecs(specs), nil
}

// cloneSpecs copies specs deeply enough that a caller cannot change the
// client's: the options are the only shared part.
func cloneSpecs(specs []status.RefSpec) []status.RefSpec {
	out := make([]status.RefSpec, len(specs))
	for i, s := range specs {
		s.Options = append([]status.Option(nil), s.Options...)
		out[i] = s
	}
	return out
}

// decodeSpecs decodes and checks a specs answer.
func decodeSpecs(body []byte) ([]status.RefSpec, error) {
	var specs []status.RefSpec
	if err := strictUnmarshal(body, &specs); err != nil {
		return nil, err
	}
	if len(specs) == 0 {
		return nil, errors.New("no specs")
	}
	seen := map[status.Kind]bool{}
	for _, s := range specs {
		if err := s.Check(); err != nil {
			return nil, err
		}
		if seen[s.Kind] {
			return nil, fmt.Errorf("two specs for %s", s.Kind)
		}
		seen[s.Kind] = true
	}
	return specs, nil
}

// spec returns the spec of kind, fetching the specs if none are kept.
func (c *Client) spec(ctx context.Context, kind status.Kind) (status.RefSpec, error) {
	c.mu.Lock()
	specs := c.specs
	c.mu.Unlock()
	if specs == nil {
		var err error
		if specs, err = c.Specs(ctx); err != nil {
			return status.RefSpec{}, err
		}
	}
	s, ok := status.FindSpec(specs, kind)
	if !ok {
		return status.RefSpec{}, fmt.Errorf("statushttp: lookup: %w: the back-end has no kind %q", status.ErrInvalidRef, kind)
	}
	return s, nil
}

// lookupRequest is the body of POST /v1/status/lookup.
type lookupRequest struct {
	Kind   status.Kind `json:"kind"`
	Ref    string      `json:"ref"`
	Option string      `json:"option,omitempty"`
}

// Lookup implements status.Service. A reference its spec refuses is
// refused here, without a request.
func (c *Client) Lookup(ctx context.Context, kind status.Kind, ref, option string) (status.Result, error) {
	const op = "POST /v1/status/lookup"
	spec, err := c.spec(ctx, kind)
	if err != nil {
		return status.Result{}, err
	}
	norm, err := spec.Validate(ref, option)
	if err != nil {
		return status.Result{}, fmt.Errorf("statushttp: lookup: %w", err)
	}
	body, err := c.jc.Do(ctx, http.MethodPost, "/v1/status/lookup", lookupRequest{kind, norm, option}, nil)
	if err != nil {
		return status.Result{}, err
	}
	r, err := decodeResult(body, kind, norm, option)
	if err != nil {
		return status.Result{}, fmt.Errorf("statushttp: %s: %w: %w", op, status.ErrUnavailable, err)
	}
	return r, nil
}

// decodeResult decodes a look-up answer and checks it answers the question
// asked: kind, option and the normalized reference ref.
func decodeResult(body []byte, kind status.Kind, ref, option string) (status.Result, error) {
	var r status.Result
	if err := strictUnmarshal(body, &r); err != nil {
		return status.Result{}, err
	}
	if err := r.Validate(); err != nil {
		return status.Result{}, err
	}
	if want := status.PrintedRef(kind, ref); r.Kind != kind || r.Option != option || r.Ref != want {
		// The refs in this message are printable forms: no Jan Aadhaar ID
		// in full reaches a log.
		return status.Result{}, fmt.Errorf("answer is for %s %q %s, asked for %s %q %s",
			r.Kind, r.Option, status.PrintedRef(r.Kind, r.Ref), kind, option, want)
	}
	return r, nil
}

// strictUnmarshal decodes exactly one JSON value with no unknown fields.
func strictUnmarshal(b []byte, v any) error {
	if err := strictjson.Decode(bytes.NewReader(b), v); err != nil {
		return fmt.Errorf("decoding the reply: %w", err)
	}
	return nil
}
