package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/services/internal/sandboxhttp"
	"github.com/mitra-kiosk/mitra/services/internal/strictjson"
)

// APIError is the JSON body of every error answer.
type APIError = sandboxhttp.APIError

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

// api is the gateway's HTTP API as sandboxhttp serves it.
var api = &sandboxhttp.API{
	ErrorStatus: errorStatus,
	MaxBody:     maxBody,
	Allowed:     allowedMethods,
	KeyRoutes:   "/v1/payments/",
	NoRoute:     "NOT_FOUND",
	WrongMethod: "METHOD_NOT_ALLOWED",
}

// Handler returns the HTTP API and the sandbox controls (see the package
// documentation).
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/billers", sandboxhttp.Reply(api, func(r *http.Request) ([]billpay.Biller, error) {
		return g.Billers(r.Context(), billpay.Category(r.URL.Query().Get("category")))
	}))
	mux.HandleFunc("POST /v1/bills/fetch", sandboxhttp.Query(api, func(ctx context.Context, req FetchRequest) (billpay.Bill, error) {
		return g.FetchBill(ctx, req.BillerID, req.CustomerRef)
	}))
	mux.HandleFunc("POST /v1/payments", sandboxhttp.Create(api, g.pay))
	mux.HandleFunc("GET /v1/payments/{key}", sandboxhttp.ByKey(api, g.PaymentStatus,
		func(p billpay.Payment) bool { return p.Status == billpay.Unknown }))
	mux.HandleFunc("GET /v1/reports/payments", sandboxhttp.Reply(api, func(r *http.Request) ([]billpay.Payment, error) {
		return g.PaymentsReport(r.Context(), r.URL.Query().Get("kiosk_id"), r.URL.Query().Get("date"))
	}))

	mux.HandleFunc("GET /sandbox/faults", sandboxhttp.Show(g.CurrentFaults))
	mux.HandleFunc("POST /sandbox/faults", sandboxhttp.SetFaults(api, g.SetFaults, g.CurrentFaults))
	mux.HandleFunc("GET /sandbox/payments", sandboxhttp.Show(g.Payments))
	mux.HandleFunc("POST /sandbox/reset", sandboxhttp.Reply(api, func(*http.Request) (Faults, error) {
		if err := g.Reset(); err != nil {
			return Faults{}, err
		}
		return g.CurrentFaults(), nil
	}))
	mux.HandleFunc("/", api.Fallback)
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

// DecodeRequest decodes exactly one JSON value from body into v. Unknown
// fields and trailing data are errors, so that a client bug (a misspelt
// "amount" decoding as 0) is a 400, not a silent default.
func DecodeRequest(body io.Reader, v any) error {
	if err := strictjson.Decode(body, v); err != nil {
		return fmt.Errorf("sandbox: request body: %w", err)
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
