package docsandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/sandbox"
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

// Handler returns the HTTP API and the sandbox controls (see the package
// documentation).
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/documents/specs", func(w http.ResponseWriter, r *http.Request) {
		specs, err := s.Specs(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, specs)
	})
	mux.HandleFunc("POST /v1/documents/find", func(w http.ResponseWriter, r *http.Request) {
		var req FindRequest
		if !decode(w, r, &req) {
			return
		}
		d, err := s.Find(r.Context(), req.Kind, req.Ref)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
	})
	mux.HandleFunc("POST /v1/documents/orders", func(w http.ResponseWriter, r *http.Request) {
		var req documents.OrderRequest
		if !decode(w, r, &req) {
			return
		}
		o, lost, err := s.order(req)
		if err != nil {
			writeError(w, err)
			return
		}
		if lost {
			dropConnection(w)
			return
		}
		writeJSON(w, http.StatusOK, o)
	})
	mux.HandleFunc("GET /v1/documents/orders/{key}", func(w http.ResponseWriter, r *http.Request) {
		o, err := s.OrderStatus(r.Context(), r.PathValue("key"))
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if o.Status == documents.Unknown {
			status = http.StatusNotFound
		}
		writeJSON(w, status, o)
	})
	mux.HandleFunc("GET /v1/documents/orders/{key}/content", func(w http.ResponseWriter, r *http.Request) {
		c, err := s.Content(r.Context(), r.PathValue("key"))
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, c)
	})

	mux.HandleFunc("GET /sandbox/documents/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.CurrentFaults())
	})
	mux.HandleFunc("POST /sandbox/documents/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if !decode(w, r, &f) {
			return
		}
		if err := s.SetFaults(f); err != nil {
			writeJSON(w, http.StatusBadRequest, sandbox.APIError{Code: CodeBadRequest, Message: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, s.CurrentFaults())
	})
	mux.HandleFunc("GET /sandbox/documents/orders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Orders())
	})
	// Everything else: a JSON 405 for a known route with the wrong method,
	// a JSON 404 otherwise, so that every answer has the same shape.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		allow := allowedMethods[r.URL.Path]
		if allow == "" && strings.HasPrefix(r.URL.Path, "/v1/documents/orders/") {
			allow = "GET"
		}
		if allow != "" {
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, sandbox.APIError{Code: "METHOD_NOT_ALLOWED", Message: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allow)})
			return
		}
		writeJSON(w, http.StatusNotFound, sandbox.APIError{Code: "NOT_FOUND", Message: fmt.Sprintf("no route %s %s", r.Method, r.URL.Path)})
	})
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

// dropConnection ends the exchange with no reply at all, as a back-end
// crashing or a link failing right after the commit would.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	// HTTP/2 or a recorder cannot be hijacked: abort the response instead.
	panic(http.ErrAbortHandler)
}

// decode reads a request body strictly (sandbox.DecodeRequest: no unknown
// fields, no trailing data) into v; on failure it has answered 400.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := sandbox.DecodeRequest(http.MaxBytesReader(w, r.Body, maxBody), v); err != nil {
		writeJSON(w, http.StatusBadRequest, sandbox.APIError{Code: CodeBadRequest, Message: err.Error()})
		return false
	}
	return true
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

func writeError(w http.ResponseWriter, err error) {
	status, code := errorStatus(err)
	writeJSON(w, status, sandbox.APIError{Code: code, Message: err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// A failed write means the client went away. Nothing to undo: an order
	// is durable before its reply, and the kiosk asks for it by key.
	_ = json.NewEncoder(w).Encode(v)
}
