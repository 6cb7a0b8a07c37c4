package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/mitra-kiosk/mitra/services/billpay"
)

// APIError is the JSON body of every error answer.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error codes of the API; see the package documentation for their statuses.
const (
	CodeBadRequest       = "BAD_REQUEST"
	CodeInvalidRef       = "INVALID_REF"
	CodeUnknownBiller    = "UNKNOWN_BILLER"
	CodeNoBillDue        = "NO_BILL_DUE"
	CodeAmountMismatch   = "AMOUNT_MISMATCH"
	CodeFetchRefMismatch = "FETCH_REF_MISMATCH"
	CodeKeyConflict      = "KEY_CONFLICT"
	CodeUnavailable      = "UNAVAILABLE"
	CodeInternal         = "INTERNAL"
)

// maxBody bounds request bodies: the largest legitimate one (a PayRequest)
// is a few hundred bytes.
const maxBody = 16 << 10

// FetchRequest is the body of POST /v1/bills/fetch.
type FetchRequest struct {
	BillerID    string `json:"biller_id"`
	CustomerRef string `json:"customer_ref"`
}

// Handler returns the HTTP API and the sandbox controls (see the package
// documentation).
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/billers", func(w http.ResponseWriter, r *http.Request) {
		bs, err := g.Billers(r.Context(), billpay.Category(r.URL.Query().Get("category")))
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, bs)
	})
	mux.HandleFunc("POST /v1/bills/fetch", func(w http.ResponseWriter, r *http.Request) {
		var req FetchRequest
		if !decode(w, r, &req) {
			return
		}
		bill, err := g.FetchBill(r.Context(), req.BillerID, req.CustomerRef)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, bill)
	})
	mux.HandleFunc("POST /v1/payments", func(w http.ResponseWriter, r *http.Request) {
		var req billpay.PayRequest
		if !decode(w, r, &req) {
			return
		}
		p, lost, err := g.pay(req)
		if err != nil {
			writeError(w, err)
			return
		}
		if lost {
			dropConnection(w)
			return
		}
		writeJSON(w, http.StatusOK, p)
	})
	mux.HandleFunc("GET /v1/payments/{key}", func(w http.ResponseWriter, r *http.Request) {
		p, err := g.PaymentStatus(r.Context(), r.PathValue("key"))
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if p.Status == billpay.Unknown {
			status = http.StatusNotFound
		}
		writeJSON(w, status, p)
	})
	mux.HandleFunc("GET /v1/reports/payments", func(w http.ResponseWriter, r *http.Request) {
		ps, err := g.PaymentsReport(r.Context(), r.URL.Query().Get("kiosk_id"), r.URL.Query().Get("date"))
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, ps)
	})

	mux.HandleFunc("GET /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, g.CurrentFaults())
	})
	mux.HandleFunc("POST /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if !decode(w, r, &f) {
			return
		}
		if err := g.SetFaults(f); err != nil {
			writeJSON(w, http.StatusBadRequest, APIError{CodeBadRequest, err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, g.CurrentFaults())
	})
	mux.HandleFunc("GET /sandbox/payments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, g.Payments())
	})
	mux.HandleFunc("POST /sandbox/reset", func(w http.ResponseWriter, r *http.Request) {
		if err := g.Reset(); err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, g.CurrentFaults())
	})
	// Everything else: a JSON 405 for a known route with the wrong method
	// (a tester's curl without -X POST), a JSON 404 otherwise, so that
	// every answer of the gateway has the same shape.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		allow := allowedMethods[r.URL.Path]
		if allow == "" && strings.HasPrefix(r.URL.Path, "/v1/payments/") {
			allow = "GET"
		}
		if allow != "" {
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, APIError{"METHOD_NOT_ALLOWED", fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allow)})
			return
		}
		writeJSON(w, http.StatusNotFound, APIError{"NOT_FOUND", fmt.Sprintf("no route %s %s", r.Method, r.URL.Path)})
	})
	return mux
}

// allowedMethods lists the fixed routes for the 405 answer.
var allowedMethods = map[string]string{
	"/v1/billers":       "GET",
	"/v1/bills/fetch":   "POST",
	"/v1/payments":      "POST",
	"/sandbox/faults":   "GET, POST",
	"/sandbox/payments": "GET",
	"/sandbox/reset":    "POST",
}

// dropConnection ends the exchange with no reply at all, as a gateway
// crashing or a link failing right after the commit would.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	// HTTP/2 or a recorder cannot be hijacked: abort the response instead,
	// which net/http turns into a reset stream or closed connection.
	panic(http.ErrAbortHandler)
}

// decode reads a request body strictly into v; on failure it has answered
// 400 BAD_REQUEST.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := DecodeRequest(http.MaxBytesReader(w, r.Body, maxBody), v); err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{CodeBadRequest, err.Error()})
		return false
	}
	return true
}

// DecodeRequest decodes exactly one JSON value from body into v. Unknown
// fields and trailing data are errors, so that a client bug (a misspelt
// "amount" decoding as 0) is a 400, not a silent default.
func DecodeRequest(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("sandbox: request body: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("sandbox: request body: trailing data after the JSON value")
	}
	return nil
}

// errorStatus maps an error of the Gateway to its HTTP status and code.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, CodeBadRequest
	case errors.Is(err, billpay.ErrInvalidRef):
		return http.StatusBadRequest, CodeInvalidRef
	case errors.Is(err, billpay.ErrUnknownBiller):
		return http.StatusNotFound, CodeUnknownBiller
	case errors.Is(err, billpay.ErrNoBill):
		return http.StatusNotFound, CodeNoBillDue
	case errors.Is(err, billpay.ErrAmount):
		return http.StatusConflict, CodeAmountMismatch
	case errors.Is(err, ErrFetchRef):
		return http.StatusConflict, CodeFetchRefMismatch
	case errors.Is(err, ErrKeyConflict):
		return http.StatusConflict, CodeKeyConflict
	case errors.Is(err, billpay.ErrUnavailable):
		return http.StatusServiceUnavailable, CodeUnavailable
	}
	return http.StatusInternalServerError, CodeInternal
}

func writeError(w http.ResponseWriter, err error) {
	status, code := errorStatus(err)
	writeJSON(w, status, APIError{code, err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// A failed write means the client went away. Nothing to undo: a
	// payment is durable before its reply, and the kiosk asks for it by key.
	_ = json.NewEncoder(w).Encode(v)
}
