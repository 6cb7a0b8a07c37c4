package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/mitra-kiosk/mitra/services/billpay"
)

// APIError is the JSON body of every error answer.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// maxBody bounds request bodies: no legitimate request is near it.
const maxBody = 64 << 10

// Handler serves the API and the sandbox controls.
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/billers", func(w http.ResponseWriter, r *http.Request) {
		bs, _ := g.Billers(r.Context(), billpay.Category(r.URL.Query().Get("category")))
		if bs == nil {
			bs = []billpay.Biller{}
		}
		writeJSON(w, http.StatusOK, bs)
	})
	mux.HandleFunc("POST /v1/bills/fetch", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			BillerID    string `json:"biller_id"`
			CustomerRef string `json:"customer_ref"`
		}
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
			// The payment is committed; drop the connection without a reply,
			// as a gateway crashing or a link failing at this moment would.
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		writeJSON(w, http.StatusOK, p)
	})
	mux.HandleFunc("GET /v1/payments/{key}", func(w http.ResponseWriter, r *http.Request) {
		p, err := g.PaymentStatus(r.Context(), r.PathValue("key"))
		if err != nil {
			writeError(w, err)
			return
		}
		if p.Status == billpay.Unknown {
			writeJSON(w, http.StatusNotFound, p)
			return
		}
		writeJSON(w, http.StatusOK, p)
	})
	mux.HandleFunc("POST /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if !decode(w, r, &f) {
			return
		}
		switch f.Fetch {
		case "", "ok", "down":
		default:
			writeJSON(w, http.StatusBadRequest, APIError{"BAD_REQUEST", fmt.Sprintf("fetch fault %q: use ok or down", f.Fetch)})
			return
		}
		switch f.Pay {
		case "", PayOK, PayDown, PayFail, PayPending, PayLost:
		default:
			writeJSON(w, http.StatusBadRequest, APIError{"BAD_REQUEST", fmt.Sprintf("pay fault %q: use ok, down, fail, pending or lost-reply", f.Pay)})
			return
		}
		g.SetFaults(f)
		writeJSON(w, http.StatusOK, g.CurrentFaults())
	})
	mux.HandleFunc("GET /sandbox/payments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, g.Payments())
	})
	mux.HandleFunc("POST /sandbox/reset", func(w http.ResponseWriter, r *http.Request) {
		g.SetFaults(Faults{})
		writeJSON(w, http.StatusOK, g.CurrentFaults())
	})
	return mux
}

// decode reads a JSON body strictly: unknown fields and trailing data are
// errors, so a client bug shows up as a 400 rather than a silent default.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := DecodeRequest(http.MaxBytesReader(w, r.Body, maxBody), v); err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{"BAD_REQUEST", err.Error()})
		return false
	}
	return true
}

// DecodeRequest decodes one JSON value from body into v, strictly.
func DecodeRequest(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("sandbox: request body: %w", err)
	}
	if dec.More() {
		return errors.New("sandbox: request body: trailing data after the JSON value")
	}
	return nil
}

func writeError(w http.ResponseWriter, err error) {
	status, code := http.StatusInternalServerError, "INTERNAL"
	switch {
	case errors.Is(err, billpay.ErrInvalidRef):
		status, code = http.StatusBadRequest, "INVALID_REF"
	case errors.Is(err, billpay.ErrUnknownBiller):
		status, code = http.StatusNotFound, "UNKNOWN_BILLER"
	case errors.Is(err, billpay.ErrNoBill):
		status, code = http.StatusNotFound, "NO_BILL_DUE"
	case errors.Is(err, billpay.ErrAmount):
		status, code = http.StatusConflict, "AMOUNT_MISMATCH"
	case errors.Is(err, errKeyConflict):
		status, code = http.StatusConflict, "KEY_CONFLICT"
	case errors.Is(err, billpay.ErrUnavailable):
		status, code = http.StatusServiceUnavailable, "UNAVAILABLE"
	case strings.Contains(err.Error(), "is required"):
		status, code = http.StatusBadRequest, "BAD_REQUEST"
	}
	writeJSON(w, status, APIError{code, err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("sandbox: write reply: %v", err)
	}
}
