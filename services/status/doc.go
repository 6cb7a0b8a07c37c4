// Package status defines the status look-up back-end as the kiosk sees it: a
// citizen types a reference (and, for a scheme or an exam, picks which one)
// and gets a bilingual answer — where the matter stands, who is handling it,
// what happened when, the next date, and the money paid — that the kiosk
// shows and can print as a slip.
//
// Implementations: services/status/statussandbox (the built-in sandbox, data
// in testdata/status, also serving the HTTP API) and
// services/status/statushttp (the client for any back-end speaking it).
//
// # References
//
// What a citizen types for each kind, as the sandbox's specs give it (the
// patterns are the exported Pattern… constants; a scheme or an exam may
// narrow or widen them for itself in its Option):
//
//	grievance           Rajasthan Sampark grievance number, YYYY-DDD-NNNNNNN:
//	                    year of filing, the district's three-letter code
//	                    (JPR Jaipur, JDH Jodhpur, AJM Ajmer, …) and a 7-digit
//	                    serial, e.g. 2026-JPR-0123456. Sampark's own numbers
//	                    differ by channel; an adapter for the real portal maps
//	                    them to this one printed form.
//	court-case          CNR number (eCourts Case Number Record), 16 characters:
//	                    state and district code (RJJP), 2-digit establishment,
//	                    6-digit case serial, 4-digit year: RJJP010012342025.
//	application         e-Mitra application (token) number, 14 digits: the
//	                    date of filing as YYMMDD and an 8-digit serial.
//	scheme-beneficiary  the family's Jan Aadhaar ID (10 digits), or the
//	                    scheme's own beneficiary id (PM-Kisan registration
//	                    number, pension PPO number, scholarship application id)
//	exam-result         roll number, with the exam picked from a list (RBSE
//	                    Secondary/Senior Secondary, RPSC, RSSB recruitment).
//
// References are compared after NormalizeRef (spaces removed, ASCII letters
// upper-cased), on both sides of the API, so "2026-jpr-0123456 " finds
// 2026-JPR-0123456.
//
// # Privacy
//
// A look-up by a personal identifier returns only what that identifier's
// holder may see: a Jan Aadhaar ID finds the family's own record for the
// scheme picked, nothing of other schemes or other families. Every name a
// Result carries is masked ("R***** K****", see IsMaskedName), identifiers
// such as a bank account or a Jan Aadhaar ID keep only their last four digits
// (MaskID), and no text may contain an Aadhaar number (ContainsAadhaar):
// Result.Validate refuses one, so a client refuses such an answer and a
// sandbox refuses such data at start.
package status
