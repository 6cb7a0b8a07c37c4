// Package sandboxhttp is the HTTP plumbing shared by Mitra's built-in
// sandbox back-ends (services/sandbox, services/documents/docsandbox,
// services/status/statussandbox): strict JSON request bodies, every answer
// JSON and every error in one shape ({"code", "message"}, unknown routes
// and wrong methods included), and the routes of an idempotent service: a
// POST that records something under the client's key (with the lost-reply
// fault, which drops the connection after the commit) and a GET of it by
// key.
//
// It exists so that the sandboxes, which stand in for real back-ends in
// tests and demos, fail the same way on the wire: a kiosk client tested
// against one meets the same shapes from the others. What each API means
// (its routes, its codes, how its errors map to statuses) stays with each
// sandbox.
package sandboxhttp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mitra-kiosk/mitra/services/internal/strictjson"
)

// APIError is the JSON body of every error answer.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// CodeBadRequest is the code of a body that is not one strict JSON value of
// the right shape.
const CodeBadRequest = "BAD_REQUEST"

// API is what differs between the sandboxes' HTTP APIs.
type API struct {
	// ErrorStatus maps an error of the back-end to its HTTP status and code.
	ErrorStatus func(error) (status int, code string)
	// MaxBody bounds request bodies, a little above the largest
	// legitimate one.
	MaxBody int64
	// Allowed lists the fixed routes and their methods, for the 405
	// answer.
	Allowed map[string]string
	// KeyRoutes is the prefix of the routes that read a record by key
	// ("/v1/payments/"), all GET only; "" if there are none.
	KeyRoutes string
	// NoRoute and WrongMethod are the codes of the 404 and 405 answers.
	NoRoute, WrongMethod string
}

// WriteJSON answers v with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// A failed write means the client went away. Nothing to undo: a
	// record is durable before its reply, and the kiosk asks for it by
	// key; a read changes nothing.
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers err with the status and code ErrorStatus gives it.
func (a *API) WriteError(w http.ResponseWriter, err error) {
	status, code := a.ErrorStatus(err)
	WriteJSON(w, status, APIError{code, err.Error()})
}

// Decode reads a request body strictly (strictjson: no unknown fields, no
// trailing data, at most MaxBody bytes) into v; on failure it has answered
// 400 BAD_REQUEST. A client bug, such as a misspelt "amount" decoding as 0,
// is thus a 400, not a silent default.
func (a *API) Decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := strictjson.Decode(http.MaxBytesReader(w, r.Body, a.MaxBody), v); err != nil {
		WriteJSON(w, http.StatusBadRequest, APIError{CodeBadRequest, "sandbox: request body: " + err.Error()})
		return false
	}
	return true
}

// Fallback answers every request no route took: a JSON 405 (with Allow)
// for a known route with the wrong method, such as a tester's curl without
// -X POST, and a JSON 404 otherwise, so that every answer has the same
// shape.
func (a *API) Fallback(w http.ResponseWriter, r *http.Request) {
	allow := a.Allowed[r.URL.Path]
	if allow == "" && a.KeyRoutes != "" && strings.HasPrefix(r.URL.Path, a.KeyRoutes) {
		allow = "GET"
	}
	if allow != "" {
		w.Header().Set("Allow", allow)
		WriteJSON(w, http.StatusMethodNotAllowed, APIError{a.WrongMethod, fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allow)})
		return
	}
	WriteJSON(w, http.StatusNotFound, APIError{a.NoRoute, fmt.Sprintf("no route %s %s", r.Method, r.URL.Path)})
}

// Reply is the handler of a route that answers get's value with 200, or
// its error.
func Reply[T any](a *API, get func(*http.Request) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := get(r)
		if err != nil {
			a.WriteError(w, err)
			return
		}
		WriteJSON(w, http.StatusOK, v)
	}
}

// Query is the handler of a POST route whose body is a question: the
// request is decoded strictly and answered by ask.
func Query[Req, T any](a *API, ask func(context.Context, Req) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if !a.Decode(w, r, &req) {
			return
		}
		v, err := ask(r.Context(), req)
		if err != nil {
			a.WriteError(w, err)
			return
		}
		WriteJSON(w, http.StatusOK, v)
	}
}

// Create is the handler of a POST that records something under the
// client's idempotency key. create returns the record and whether the
// reply must be lost (the lost-reply fault): the record stands, and the
// connection is dropped without an answer.
func Create[Req, T any](a *API, create func(Req) (T, bool, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if !a.Decode(w, r, &req) {
			return
		}
		v, lost, err := create(req)
		if err != nil {
			a.WriteError(w, err)
			return
		}
		if lost {
			DropConnection(w)
			return
		}
		WriteJSON(w, http.StatusOK, v)
	}
}

// ByKey is the handler of a GET of a record by the {key} in its path. A
// record unknown reports is answered 404 with the record itself (status
// UNKNOWN), which the kiosk reads as "never recorded", not as an error.
func ByKey[T any](a *API, get func(context.Context, string) (T, error), unknown func(T) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := get(r.Context(), r.PathValue("key"))
		if err != nil {
			a.WriteError(w, err)
			return
		}
		status := http.StatusOK
		if unknown(v) {
			status = http.StatusNotFound
		}
		WriteJSON(w, status, v)
	}
}

// SetFaults is the handler of a POST of the fault injection: set checks
// and installs it, and the answer is the faults now in force. A refused
// body or fault is 400 BAD_REQUEST.
func SetFaults[F any](a *API, set func(F) error, current func() F) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var f F
		if !a.Decode(w, r, &f) {
			return
		}
		if err := set(f); err != nil {
			WriteJSON(w, http.StatusBadRequest, APIError{CodeBadRequest, err.Error()})
			return
		}
		WriteJSON(w, http.StatusOK, current())
	}
}

// Show is the handler of a sandbox control that answers current's value.
func Show[T any](current func() T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, current())
	}
}

// DropConnection ends the exchange with no reply at all, as a back-end
// crashing or a link failing right after the commit would.
func DropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	// HTTP/2 or a recorder cannot be hijacked: abort the response instead,
	// which net/http turns into a reset stream or closed connection.
	panic(http.ErrAbortHandler)
}
