package statussandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/mitra-kiosk/mitra/services/sandbox"
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

// Handler returns the HTTP API and the sandbox controls (see the package
// documentation). It logs nothing: a request carries a citizen's
// reference.
func (b *Backend) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status/specs", func(w http.ResponseWriter, r *http.Request) {
		specs, err := b.Specs(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, specs)
	})
	mux.HandleFunc("POST /v1/status/lookup", func(w http.ResponseWriter, r *http.Request) {
		var req LookupRequest
		if err := sandbox.DecodeRequest(http.MaxBytesReader(w, r.Body, maxBody), &req); err != nil {
			writeJSON(w, http.StatusBadRequest, sandbox.APIError{Code: CodeBadRequest, Message: err.Error()})
			return
		}
		res, err := b.Lookup(r.Context(), req.Kind, req.Ref, req.Option)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	})
	mux.HandleFunc("GET /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, b.CurrentFaults())
	})
	mux.HandleFunc("POST /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		err := sandbox.DecodeRequest(http.MaxBytesReader(w, r.Body, maxBody), &f)
		if err == nil {
			err = b.SetFaults(f)
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, sandbox.APIError{Code: CodeBadRequest, Message: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, b.CurrentFaults())
	})
	// Everything else: a JSON 405 for a known route with the wrong method,
	// a JSON 404 NO_ROUTE otherwise — never NO_RECORD, which a kiosk reads
	// as "no such matter".
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods[r.URL.Path]; allow != "" {
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, sandbox.APIError{Code: CodeMethod, Message: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allow)})
			return
		}
		writeJSON(w, http.StatusNotFound, sandbox.APIError{Code: CodeNoRoute, Message: fmt.Sprintf("no route %s %s", r.Method, r.URL.Path)})
	})
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

func writeError(w http.ResponseWriter, err error) {
	code, name := errorStatus(err)
	writeJSON(w, code, sandbox.APIError{Code: name, Message: err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	// A failed write means the client went away; a look-up changes nothing.
	_ = json.NewEncoder(w).Encode(v)
}
