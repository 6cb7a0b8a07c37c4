// Package docshttp is the kiosk's client for a document back-end that
// speaks the JSON API documented in services/documents/docsandbox: the
// built-in sandbox, or a department adapter exposing the same routes.
//
// # Errors
//
// Every error wraps the documents sentinel that applies, so the engine
// branches with errors.Is: INVALID_REF and UNKNOWN_KIND →
// documents.ErrInvalidRef, NO_SUCH_DOCUMENT → ErrNotFound, NOT_READY →
// ErrNotReady, NOT_PAID → ErrNotPaid. Anything that leaves the outcome
// open wraps documents.ErrUnavailable: a transport error, a timeout or
// cancelled context, a 5xx, 408 or 429, a status the API does not use, and
// a reply that cannot be read, decoded or trusted (an order for another
// key, a SUCCESS without reference, content without a verification QR or
// with an unmasked Aadhaar number). For Order that means the order may
// exist: ask OrderStatus under the same key. The remaining refusals
// (FEE_MISMATCH, KEY_CONFLICT, BAD_REQUEST) are definite: nothing was
// ordered. Every answer other than 200 is an *Error, for its status and
// code.
//
// # Retries
//
// As in services/billpay/billpayhttp, the client never retries and never
// re-sends an order: the engine journals its intent and asks OrderStatus
// under the same idempotency key, which travels only in the body (a POST
// with an Idempotency-Key header is one net/http may silently replay).
// Bound every call with its context; the client sets no timeout of its
// own.
package docshttp
