// Package statushttp is the kiosk's client for a status back-end that
// speaks the JSON API documented in services/status/statussandbox: the
// built-in sandbox, or an adapter in front of the departments' portals
// (Rajasthan Sampark, eCourts, e-Mitra, Jan Aadhaar, the exam boards)
// exposing the same routes.
//
// # Checking answers
//
// A status answer is printed and handed to a citizen, who acts on it: goes
// to a hearing, stops waiting for a pension. So the client trusts nothing
// it has not checked. A 200 answer must be exactly one JSON value with no
// unknown fields (a renamed "next_date" must not silently print no date),
// pass status.Result.Validate (known status code, both languages, real
// dates in order, a masked holder, no Aadhaar number anywhere), and answer
// the question asked: same kind, same option, and the reference asked for,
// as status.PrintedRef shows it. Specs must pass status.RefSpec.Check.
// Anything else is an error wrapping status.ErrUnavailable: the citizen is
// told to try later, never shown a doubtful status.
//
// # Errors
//
// 400 INVALID_REF wraps status.ErrInvalidRef and 404 NO_RECORD wraps
// status.ErrNotFound. Every other answer — a transport error, a timeout or
// cancelled context, any other status or code, a plain 404 from a wrong
// base URL — wraps status.ErrUnavailable. Every answer other than 200 is
// an *Error for its status and code.
//
// # Validation before sending
//
// Lookup checks the reference against the spec of its kind with
// status.RefSpec.Validate, the same check the back-end makes, and refuses a
// malformed one without a request. The specs are those of the last
// successful Specs call (the UI calls it when the status menu opens), or
// fetched once if there was none. The client never retries: a look-up
// changes nothing upstream, so the UI may simply ask again, and the
// context's deadline is the only timeout.
package statushttp
