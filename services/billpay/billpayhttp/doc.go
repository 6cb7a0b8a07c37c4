// Package billpayhttp is the kiosk's client for a bill-payment gateway that
// speaks the JSON API documented in services/sandbox: the built-in sandbox,
// or a real aggregator's adapter exposing the same routes.
//
// # Errors
//
// Every error wraps one of the billpay sentinels where one applies, so the
// engine branches with errors.Is: INVALID_REF → billpay.ErrInvalidRef,
// UNKNOWN_BILLER → ErrUnknownBiller, NO_BILL_DUE → ErrNoBill,
// AMOUNT_MISMATCH → ErrAmount. Anything that leaves the outcome open wraps
// billpay.ErrUnavailable: a transport error, a timeout or cancelled context,
// a 5xx, 408 or 429, and a reply that cannot be read or decoded (for Pay
// that means the payment may exist). Other refusals (KEY_CONFLICT,
// FETCH_REF_MISMATCH, BAD_REQUEST) are definite: the request was not carried
// out. Any status the API does not use (a 202, a 3xx) is also open. Every
// answer other than 200 is an *Error, for its status and code.
//
// # Retries
//
// The client never retries by itself, and never re-sends a Pay. Whether a
// payment is re-sent is the engine's decision: it journals its intent
// first, asks PaymentStatus under the same idempotency key, and only it
// knows the key's history across power cuts. A retry hidden in here would
// sit outside that journal, and one that re-sent after an ambiguous failure
// with a different body (a new fetch) would be refused as a key conflict at
// best. For the same reason the key travels only in the body, never as an
// Idempotency-Key header: net/http's Transport treats a POST carrying that
// header as replayable and silently re-sends it when a reused connection
// fails, which would hide exactly the failure the engine must see. Bound
// every call with its context: the client sets no timeout of
// its own, so that the engine's per-call deadline is the only one.
package billpayhttp
