// Package docsandbox is Mitra's built-in document back-end. It serves the
// certificates, land records, admit cards and card prints in
// testdata/documents — every documents.Kind, with applications still
// pending and references that do not exist — and records print orders
// durably, so that a kiosk (and its tests) meets every real outcome
// without a department's system: found, not found, not decided yet,
// ordered, failed, pending, back-end down, and a reply lost after the order
// was committed. A *Sandbox is a documents.Service in its own right,
// running exactly the logic the HTTP API runs, for an appliance that embeds
// it in-process; services/documents/docshttp is the client for the API.
//
// # API
//
//	GET  /v1/documents/specs                  → 200 [RefSpec], in documents.Kinds order
//	POST /v1/documents/find {kind, ref}       → 200 Document (holder name masked)
//	POST /v1/documents/orders OrderRequest    → 200 Order
//	GET  /v1/documents/orders/{key}           → 200 Order, or 404 Order with status UNKNOWN
//	GET  /v1/documents/orders/{key}/content   → 200 Content of a SUCCESS order
//
// Every error is JSON {"code": "...", "message": "..."}:
//
//	400 BAD_REQUEST        body is not one strict JSON value, or a field is missing/malformed
//	400 UNKNOWN_KIND       no such document kind
//	400 INVALID_REF        ref does not match the kind's pattern (the message never repeats the ref)
//	404 NO_SUCH_DOCUMENT   no issued document under that ref or id (or the application was rejected)
//	409 NOT_READY          the application is not decided yet
//	409 FEE_MISMATCH       fee is not the document's fee
//	409 KEY_CONFLICT       idempotency_key already used for another document or fee
//	409 NOT_PAID           content asked for a key without a SUCCESS order
//	500 INTERNAL           the ledger could not be written (nothing was recorded)
//	503 UNAVAILABLE        the back-end (or a sandbox fault) refuses service
//	404 NOT_FOUND, 405 METHOD_NOT_ALLOWED   no such route / wrong method (with Allow)
//
// # Orders, idempotency and durability
//
// An order names a document id (as found) and must carry exactly the
// document's fee. Orders are idempotent on idempotency_key: a repeat with
// the same document and fee answers the original order and records (and
// charges) nothing; the same key with another document or fee is 409
// KEY_CONFLICT. Every order and every later status change is appended to
// <state>/orders.jsonl and fsync'd before the reply; at start the ledger
// is replayed, a torn last line (the back-end died mid-append, so that
// request got no reply) is cut off and reported in LoadReport, and damage
// anywhere else stops the start.
//
// Content is given for SUCCESS orders only, as often as asked (a reprint
// after a paper jam needs no second order). It carries the holder's full
// name — it is the citizen's own document — but an Aadhaar number only
// masked to its last four digits: the data is checked for that at load.
// Its VerifyQR is a signed string (RJDV1|id|issued_on|signature) computed
// with a sandbox key, standing in for the department's signature.
//
// # Sandbox controls
//
//	POST /sandbox/documents/faults  {"find": "ok|down", "order": "ok|down|fail|pending|lost-reply", "pending_polls": N}
//	GET  /sandbox/documents/faults  → the faults in force
//	GET  /sandbox/documents/orders  → every recorded order, in recording order
//
// find=down answers 503 to specs and find. order=down answers 503 to
// orders, status queries and content; fail records the order as FAILURE;
// pending records it PENDING and turns it SUCCESS on the N-th status poll
// (default 2); lost-reply commits the order and drops the connection (the
// Go API returns an error wrapping documents.ErrUnavailable instead). The
// kiosk recovers by asking the status under the same key.
package docsandbox
