package statussandbox

import (
	"context"
	"errors"
	"net/http"

	"github.com/mitra-kiosk/mitra/services/internal/sandboxhttp"
	"github.com/mitra-kiosk/mitra/services/status"
)

// Error codes of the API; see the package documentation for their statuses.
const (
	CodeBadRequest  = "BAD_REQUEST"
	CodeInvalidRef  = "INVALID_REF"
	CodeNoRecord    = "NO_RECORD"
	CodeUnavailable = "UNAVAILABLE"
	CodeInternal    = "INTERNAL"
	CodeNoRoute     = "NO_ROUTE"
	CodeMethod      = "METHOD_NOT_ALLOWED"
)

// maxBody bounds request bodies: a look-up is under a hundred bytes.
const maxBody = 4 << 10

// LookupRequest is the body of POST /v1/status/lookup.
type LookupRequest struct {
	Kind   status.Kind `json:"kind"`
	Ref    string      `json:"ref"`
	Option string      `json:"option,omitempty"`
}

// api is the back-end's HTTP API as sandboxhttp serves it. An unknown
// route is 404 NO_ROUTE, never NO_RECORD, which a kiosk reads as "no such
// matter".
var api = &sandboxhttp.API{
	ErrorStatus: errorStatus,
	MaxBody:     maxBody,
	Allowed:     allowedMethods,
	NoRoute:     CodeNoRoute,
	WrongMethod: CodeMethod,
}

// Handler returns the HTTP API and the sandbox controls (see the package
// documentation). It logs nothing: a request carries a citizen's
// reference.
func (b *Backend) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status/specs", sandboxhttp.Reply(api, func(r *http.Request) ([]status.RefSpec, error) {
		return b.Specs(r.Context())
	}))
	mux.HandleFunc("POST /v1/status/lookup", sandboxhttp.Query(api, func(ctx context.Context, req LookupRequest) (status.Result, error) {
		return b.Lookup(ctx, req.Kind, req.Ref, req.Option)
	}))
	mux.HandleFunc("GET /sandbox/faults", sandboxhttp.Show(b.CurrentFaults))
	mux.HandleFunc("POST /sandbox/faults", sandboxhttp.SetFaults(api, b.SetFaults, b.CurrentFaults))
	mux.HandleFunc("/", api.Fallback)
	return mux
}

// allowedMethods lists the routes for the 405 answer.
var allowedMethods = map[string]string{
	"/v1/status/specs":  "GET",
	"/v1/status/lookup": "POST",
	"/sandbox/faults":   "GET, POST",
}

// errorStatus maps an error of the Backend to its HTTP status and code.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, status.ErrInvalidRef):
		return http.StatusBadRequest, CodeInvalidRef
	case errors.Is(err, status.ErrNotFound):
		return http.StatusNotFound, CodeNoRecord
	case errors.Is(err, status.ErrUnavailable):
		return http.StatusServiceUnavailable, CodeUnavailable
	}
	return http.StatusInternalServerError, CodeInternal
}
