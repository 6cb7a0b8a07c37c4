// Package sandbox is Mitra's built-in bill-payment gateway. It serves the
// BBPS-shaped JSON API that services/billpay/billpayhttp speaks, from the
// realistic billers and bills in testdata/sandbox, and records payments
// durably, so that a kiosk (and its tests) can meet every real outcome —
// success, failure, pending, gateway down, and a reply lost after the
// payment was committed — without a real back-end. A *Gateway is also a
// billpay.Service in its own right, running exactly the logic the HTTP API
// runs, for an appliance that embeds the gateway in-process.
//
// # API
//
//	GET  /v1/billers?category=electricity          → 200 [Biller] (all billers without category)
//	POST /v1/bills/fetch  {biller_id, customer_ref} → 200 Bill
//	POST /v1/payments     PayRequest                → 200 Payment
//	GET  /v1/payments/{key}                         → 200 Payment, or 404 Payment with status UNKNOWN
//	GET  /v1/reports/payments?kiosk_id=K&date=D     → 200 [Payment] the kiosk posted on D (IST)
//
// Every error is JSON {"code": "...", "message": "..."}:
//
//	400 BAD_REQUEST          body is not one strict JSON value, or a required field is missing/invalid
//	400 INVALID_REF          customer_ref does not match the biller's ref_pattern
//	404 UNKNOWN_BILLER       no such biller_id
//	404 NO_BILL_DUE          nothing due for that customer (or the bill number is not the one due)
//	409 AMOUNT_MISMATCH      amount is not the amount due
//	409 FETCH_REF_MISMATCH   fetch_ref was not issued for the bill due: fetch again
//	409 KEY_CONFLICT         idempotency_key already used for a different payment
//	500 INTERNAL             the ledger could not be written (nothing was recorded)
//	503 UNAVAILABLE          the gateway (or the sandbox fault) refuses service
//	404 NOT_FOUND, 405 METHOD_NOT_ALLOWED   no such route / wrong method (with Allow)
//
// # Payments, idempotency and durability
//
// A payment is accepted only for the bill due: biller, customer reference,
// bill number, fetch_ref (as returned by fetch), and an amount equal to the
// amount due. Payment mode must be Cash, UPI or Card, and channel a BBPS
// channel code such as KIOSK. Once a payment is SUCCESS or PENDING the bill
// is no longer due; after a FAILURE it is due again.
//
// Payments are idempotent on idempotency_key: a repeat with the same key,
// biller, customer reference, bill number and amount returns the original
// payment with 200 and records nothing; the same key with different values is
// 409 KEY_CONFLICT. This holds across restarts, because every payment (and
// every later status change) is appended to <state>/payments.jsonl and
// fsync'd before the reply. At start the ledger is replayed; a torn last line
// — the gateway died mid-append, so that request got no reply — is cut off and
// reported by LoadReport, while damage anywhere else stops the start: a
// gateway that guesses about its ledger could post a payment twice.
//
// fetch_ref is derived from the bill itself rather than stored per fetch, so
// a kiosk that fetched before a gateway restart (or before its own power cut)
// can still pay, and a stale fetch (the bill changed) is refused.
//
// # Sandbox controls
//
// For tests and demos only, kept apart from the API under /sandbox/:
//
//	POST /sandbox/faults    {"fetch": "ok|down", "pay": "ok|down|fail|pending|lost-reply", "pending_polls": N}
//	GET  /sandbox/faults    → the faults in force
//	GET  /sandbox/payments  → every recorded payment, in recording order
//	POST /sandbox/reset     → faults off and every bill due again
//
// Pay faults: down answers 503 before doing anything (status queries too:
// the payment system is down as a whole); fail records the payment as
// FAILURE; pending records it PENDING and turns it SUCCESS on the N-th status
// poll (pending_polls, default 2); lost-reply commits the payment and then
// drops the connection without a reply, as a link failure at that moment
// would — through the Go API Pay returns an error wrapping
// billpay.ErrUnavailable instead. The kiosk must recover by asking the status
// under the same key. Reset moves the ledger aside to
// payments-<UTC time>.jsonl rather than deleting it, so even a sandbox never
// loses a payment record.
package sandbox
