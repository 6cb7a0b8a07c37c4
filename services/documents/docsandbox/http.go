package docsandbox

import (
	"context"
	"errors"
	"net/http"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/internal/sandboxhttp"
)

// Error codes of the API; see the package documentation for their statuses.
const (
	CodeBadRequest  = "BAD_REQUEST"
	CodeUnknownKind = "UNKNOWN_KIND"
	CodeInvalidRef  = "INVALID_REF"
	CodeNoDocument  = "NO_SUCH_DOCUMENT"
	CodeNotReady    = "NOT_READY"
	CodeFeeMismatch = "FEE_MISMATCH"
	CodeKeyConflict = "KEY_CONFLICT"
	CodeNotPaid     = "NOT_PAID"
	CodeUnavailable = "UNAVAILABLE"
	CodeInternal    = "INTERNAL"
)

// maxBody bounds request bodies: the largest legitimate one (an
// OrderRequest) is a few hundred bytes.
const maxBody = 16 << 10

// FindRequest is the body of POST /v1/documents/find.
type FindRequest struct {
	Kind documents.Kind `json:"kind"`
	Ref  string         `json:"ref"`
}

// api is the back-end's HTTP API as sandboxhttp serves it.
var api = &sandboxhttp.API{
	ErrorStatus: errorStatus,
	MaxBody:     maxBody,
	Allowed:     allowedMethods,
	KeyRoutes:   "/v1/documents/orders/",
	NoRoute:     "NOT_FOUND",
	WrongMethod: "METHOD_NOT_ALLOWED",
}

// Handler returns the HTTP API and the sandbox controls (see the package
// documentation).
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/documents/specs", sandboxhttp.Reply(api, func(r *http.Request) ([]documents.RefSpec, error) {
		return s.Specs(r.Context())
	}))
	mux.HandleFunc("POST /v1/documents/find", sandboxhttp.Query(api, func(ctx context.Context, req FindRequest) (documents.Document, error) {
		return s.Find(ctx, req.Kind, req.Ref)
	}))
	mux.HandleFunc("POST /v1/documents/orders", sandboxhttp.Create(api, s.order))
	mux.HandleFunc("GET /v1/documents/orders/{key}", sandboxhttp.ByKey(api, s.OrderStatus,
		func(o documents.Order) bool { return o.Status == documents.Unknown }))
	mux.HandleFunc("GET /v1/documents/orders/{key}/content", sandboxhttp.Reply(api, func(r *http.Request) (documents.Content, error) {
		return s.Content(r.Context(), r.PathValue("key"))
	}))

	mux.HandleFunc("GET /sandbox/documents/faults", sandboxhttp.Show(s.CurrentFaults))
	mux.HandleFunc("POST /sandbox/documents/faults", sandboxhttp.SetFaults(api, s.SetFaults, s.CurrentFaults))
	mux.HandleFunc("GET /sandbox/documents/orders", sandboxhttp.Show(s.Orders))
	mux.HandleFunc("/", api.Fallback)
	return mux
}

// allowedMethods lists the fixed routes for the 405 answer.
var allowedMethods = map[string]string{
	"/v1/documents/specs":       "GET",
	"/v1/documents/find":        "POST",
	"/v1/documents/orders":      "POST",
	"/sandbox/documents/faults": "GET, POST",
	"/sandbox/documents/orders": "GET",
}

// errorStatus maps an error of the Sandbox to its HTTP status and code.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, CodeBadRequest
	case errors.Is(err, ErrUnknownKind):
		return http.StatusBadRequest, CodeUnknownKind
	case errors.Is(err, documents.ErrInvalidRef):
		return http.StatusBadRequest, CodeInvalidRef
	case errors.Is(err, documents.ErrNotFound):
		return http.StatusNotFound, CodeNoDocument
	case errors.Is(err, documents.ErrNotReady):
		return http.StatusConflict, CodeNotReady
	case errors.Is(err, ErrFee):
		return http.StatusConflict, CodeFeeMismatch
	case errors.Is(err, ErrKeyConflict):
		return http.StatusConflict, CodeKeyConflict
	case errors.Is(err, documents.ErrNotPaid):
		return http.StatusConflict, CodeNotPaid
	case errors.Is(err, documents.ErrUnavailable):
		return http.StatusServiceUnavailable, CodeUnavailable
	}
	return http.StatusInternalServerError, CodeInternal
}
