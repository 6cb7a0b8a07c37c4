// Package statussandbox is Mitra's built-in status back-end. It answers
// status look-ups — Rajasthan Sampark grievances, court cases by CNR,
// e-Mitra applications, scheme beneficiaries, exam results — from the
// realistic records in testdata/status, so that a kiosk (and its tests) can
// meet every outcome a citizen can meet, and the back-end's failures (down,
// slow), without a real department behind it. A *Backend is a
// status.Service in its own right, running exactly the logic its HTTP API
// runs, for an appliance that embeds it in-process.
//
// # API
//
//	GET  /v1/status/specs                          → 200 [RefSpec]
//	POST /v1/status/lookup  {kind, ref, option}    → 200 Result
//
// The look-up is a POST, not a GET with the reference in the query: a Jan
// Aadhaar ID is personal, and URLs end up in proxy and server logs.
//
// Every error is JSON {"code": "...", "message": "..."}:
//
//	400 BAD_REQUEST   the body is not one strict JSON value with known fields
//	400 INVALID_REF   unknown kind or option, or a reference its pattern refuses
//	404 NO_RECORD     a well-formed reference naming no matter
//	503 UNAVAILABLE   the back-end (the sandbox fault) refuses service
//	404 NO_ROUTE, 405 METHOD_NOT_ALLOWED   no such route / wrong method (with Allow)
//
// A route that does not exist answers NO_ROUTE, never NO_RECORD, so that a
// kiosk pointed at the wrong address tells the citizen "try later", not
// "your grievance does not exist".
//
// # Data
//
// testdata/status holds specs.json (the RefSpecs served) and one file of
// records per kind (grievances.json, court-cases.json, applications.json,
// beneficiaries.json, exam-results.json). Records hold names in full, and
// a mobile number or bank account where the department would have one; the
// back-end serves names masked, bank accounts as their last four digits,
// and never the mobile. A beneficiary record is found by its scheme id (if
// the scheme has one) or by the family's Jan Aadhaar ID, always under the
// scheme picked: a Jan Aadhaar ID shows that family's record of that scheme
// and nothing else. New refuses data that breaks any of this — a record its
// spec's pattern refuses, an answer status.Result.Validate refuses (an
// Aadhaar number in a text, a date out of order), a served answer that
// would carry a full name, mobile or account number — naming the record to
// fix, so that a tester's typo stops the start rather than reaching a kiosk.
//
// # Sandbox controls
//
// For tests and demos only, kept apart from the API under /sandbox/:
//
//	POST /sandbox/faults  {"mode": "ok|down|slow", "slow_ms": N}
//	GET  /sandbox/faults  → the faults in force
//
// down answers 503 to every API call; slow answers each after N
// milliseconds (DefaultSlow when 0), or 503 as soon as the caller gives up.
package statussandbox
