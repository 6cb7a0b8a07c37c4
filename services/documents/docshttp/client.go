package docshttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"net/url"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/internal/jsonclient"
)

// maxReply bounds a reply body; the largest (a naksha's content with its
// map) is a few hundred KB.
const maxReply = 8 << 20

// maxMapSide bounds a naksha map's sides in pixels: a larger image would
// take more memory to decode than the kiosk can spare for one print.
const maxMapSide = 8000

// Client talks to one document back-end. It is safe for concurrent use.
type Client struct {
	jc *jsonclient.Client[client]
}

var _ documents.Service = (*Client)(nil)

// New returns a client for the back-end at baseURL ("http://127.0.0.1:8701").
// A nil c uses http.DefaultClient.
func New(baseURL string, c *http.Client) *Client {
	return &Client{jc: jsonclient.New[client](baseURL, c, config)}
}

// Error is a back-end's answer with a status other than 200: Op ("POST
// /v1/documents/orders"), StatusCode, Code ("NOT_READY"; empty when the
// body was not an API error) and Message. It unwraps to the documents
// sentinel for its code (see the package documentation), or to nothing for
// refusals the kiosk has no sentinel for.
type Error = jsonclient.Error[client]

// client names this package in jsonclient's messages.
type client struct{}

func (client) ClientName() string { return "docshttp" }

// config is how jsonclient speaks to a document back-end.
var config = jsonclient.Config{MaxReply: maxReply, Unavailable: documents.ErrUnavailable, Sentinel: sentinelFor}

// sentinelFor maps an answer to the sentinel callers branch on. The status
// decides first: only a 4xx is a refusal the back-end stands behind.
func sentinelFor(status int, code string) error {
	switch {
	case status < 400, status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return documents.ErrUnavailable
	}
	switch code {
	case "INVALID_REF", "UNKNOWN_KIND":
		return documents.ErrInvalidRef
	case "NO_SUCH_DOCUMENT":
		return documents.ErrNotFound
	case "NOT_READY":
		return documents.ErrNotReady
	case "NOT_PAID":
		return documents.ErrNotPaid
	case "UNAVAILABLE":
		return documents.ErrUnavailable
	}
	return nil
}

// Specs implements documents.Service.
func (c *Client) Specs(ctx context.Context) ([]documents.RefSpec, error) {
	var out []documents.RefSpec
	if _, err := c.jc.Do(ctx, http.MethodGet, "/v1/documents/specs", nil, &out); err != nil {
		return nil, err
	}
	for _, s := range out {
		if s.Kind == "" || s.Pattern == "" || s.Label == "" {
			return nil, fmt.Errorf("docshttp: specs: %w: a spec without kind, label or pattern", documents.ErrUnavailable)
		}
	}
	return out, nil
}

// Find implements documents.Service.
func (c *Client) Find(ctx context.Context, kind documents.Kind, ref string) (documents.Document, error) {
	var out documents.Document
	in := struct {
		Kind documents.Kind `json:"kind"`
		Ref  string         `json:"ref"`
	}{kind, ref}
	if _, err := c.jc.Do(ctx, http.MethodPost, "/v1/documents/find", in, &out); err != nil {
		return documents.Document{}, err
	}
	if err := checkDocument(out, kind, ref); err != nil {
		return documents.Document{}, fmt.Errorf("docshttp: find: %w", err)
	}
	return out, nil
}

// Order implements documents.Service. It sends the request once. An error
// wrapping documents.ErrUnavailable means the order may or may not exist:
// ask OrderStatus with the same key before anything else.
func (c *Client) Order(ctx context.Context, req documents.OrderRequest) (documents.Order, error) {
	var out documents.Order
	if _, err := c.jc.Do(ctx, http.MethodPost, "/v1/documents/orders", req, &out); err != nil {
		return documents.Order{}, err
	}
	if err := checkOrder(out, req.IdempotencyKey); err != nil {
		return documents.Order{}, fmt.Errorf("docshttp: order: %w", err)
	}
	if out.DocumentID != req.DocumentID || out.Fee != req.Fee {
		return documents.Order{}, fmt.Errorf("docshttp: order: %w: answer is an order of %s for %v, asked %s for %v",
			documents.ErrUnavailable, out.DocumentID, out.Fee, req.DocumentID, req.Fee)
	}
	return out, nil
}

// OrderStatus implements documents.Service. A 404 carrying an order with
// status UNKNOWN is the back-end saying it has no order under key, which
// is an answer, not an error.
func (c *Client) OrderStatus(ctx context.Context, key string) (documents.Order, error) {
	var out documents.Order
	body, err := c.jc.Do(ctx, http.MethodGet, "/v1/documents/orders/"+url.PathEscape(key), nil, &out)
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
			var unknown documents.Order
			if json.Unmarshal(body, &unknown) == nil && unknown.Status == documents.Unknown && unknown.IdempotencyKey == key {
				return unknown, nil
			}
		}
		return documents.Order{}, err
	}
	if err := checkOrder(out, key); err != nil {
		return documents.Order{}, fmt.Errorf("docshttp: status: %w", err)
	}
	return out, nil
}

// Content implements documents.Service.
func (c *Client) Content(ctx context.Context, key string) (documents.Content, error) {
	var out documents.Content
	if _, err := c.jc.Do(ctx, http.MethodGet, "/v1/documents/orders/"+url.PathEscape(key)+"/content", nil, &out); err != nil {
		return documents.Content{}, err
	}
	if err := checkContent(out); err != nil {
		return documents.Content{}, fmt.Errorf("docshttp: content: %w", err)
	}
	return out, nil
}

// checkDocument rejects a 200 answer that is not the document asked for:
// offering a citizen someone else's certificate, or one without a fee,
// would be worse than saying the back-end is unavailable.
func checkDocument(d documents.Document, kind documents.Kind, ref string) error {
	switch {
	case d.Kind != kind || d.Ref != ref:
		return fmt.Errorf("%w: answer is a %s document for another reference", documents.ErrUnavailable, d.Kind)
	case d.ID == "" || d.Title == "":
		return fmt.Errorf("%w: document without id or title", documents.ErrUnavailable)
	case d.Fee <= 0:
		return fmt.Errorf("%w: fee %d paise", documents.ErrUnavailable, d.Fee)
	case d.Pages < 1:
		return fmt.Errorf("%w: %d pages", documents.ErrUnavailable, d.Pages)
	case documents.ContainsFullAadhaar(d.Holder + " " + d.Title + " " + d.Issuer):
		return fmt.Errorf("%w: answer holds an unmasked Aadhaar number", documents.ErrUnavailable)
	}
	return nil
}

// checkOrder rejects a 200 answer that is not a definite order for key. It
// wraps documents.ErrUnavailable, because the fate of the order is still
// open.
func checkOrder(o documents.Order, key string) error {
	if o.IdempotencyKey != key {
		return fmt.Errorf("%w: answer is for order %q, not %q", documents.ErrUnavailable, o.IdempotencyKey, key)
	}
	switch o.Status {
	case documents.Success:
		if o.Ref == "" {
			return fmt.Errorf("%w: SUCCESS without an order reference", documents.ErrUnavailable)
		}
	case documents.Failure, documents.Pending:
	default:
		return fmt.Errorf("%w: status %q in a 200 answer", documents.ErrUnavailable, o.Status)
	}
	if o.Fee <= 0 || o.DocumentID == "" {
		return fmt.Errorf("%w: order without document or fee", documents.ErrUnavailable)
	}
	return nil
}

// checkContent rejects content the kiosk must not print: incomplete (no
// title, fields or verification QR), a table whose rows do not fit its
// header, a map that is not a PNG of sane size, or any text holding an
// unmasked Aadhaar number.
func checkContent(c documents.Content) error {
	switch {
	case c.DocumentID == "" || c.Title == "" || c.TitleHi == "" || c.VerifyQR == "":
		return fmt.Errorf("%w: content without document id, titles or verification QR", documents.ErrUnavailable)
	case len(c.Fields) == 0:
		return fmt.Errorf("%w: content without fields", documents.ErrUnavailable)
	}
	texts := []string{c.Title, c.TitleHi, c.Issuer, c.VerifyQR}
	for _, f := range c.Fields {
		texts = append(texts, f.Label, f.LabelHi, f.Value)
	}
	for i, t := range c.Tables {
		if len(t.Header) == 0 || len(t.HeaderHi) != len(t.Header) {
			return fmt.Errorf("%w: table %d: header and header_hi differ", documents.ErrUnavailable, i+1)
		}
		for _, r := range t.Rows {
			if len(r) != len(t.Header) {
				return fmt.Errorf("%w: table %d: a row of %d cells for %d columns", documents.ErrUnavailable, i+1, len(r), len(t.Header))
			}
			texts = append(texts, r...)
		}
	}
	for _, s := range texts {
		if documents.ContainsFullAadhaar(s) {
			return fmt.Errorf("%w: content holds an unmasked Aadhaar number; refusing to print it", documents.ErrUnavailable)
		}
	}
	if len(c.MapPNG) > 0 {
		cfg, err := png.DecodeConfig(bytes.NewReader(c.MapPNG))
		if err != nil {
			return fmt.Errorf("%w: map: %w", documents.ErrUnavailable, err)
		}
		if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxMapSide || cfg.Height > maxMapSide {
			return fmt.Errorf("%w: map of %dx%d pixels", documents.ErrUnavailable, cfg.Width, cfg.Height)
		}
	}
	return nil
}
