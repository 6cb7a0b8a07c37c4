// Package diag is the kiosk's read-only health report for a technician's
// laptop: what `mitractl diag` prints and what the kiosk serves as
// GET /v1/diag.
//
// A Report holds the build, the uptimes, every device with its state and
// the reason it last failed, the journal's health and the free space on
// the state directory's file system (/perm on the appliance). Devices are
// reported in the three outcomes of periph's driver contract (STYLE.md,
// Self-test): ok, skipped (not configured) and failed (configured, not
// answering).
//
// The report of a running kiosk comes from a Source: the engine's
// technician report (the same checks the technician menu runs) plus a
// Board, where the program records what the engine does not own (the
// screen and touch devices while the kiosk waits for /dev/fb0). Without a
// running kiosk, FromState reads the state directory alone.
//
// # Protocol
//
// GET /v1/diag answers 200 with the Report as JSON. It never changes
// anything. Without a token the endpoint listens on loopback only; with one
// (the config's automation.token) it needs "Authorization: Bearer TOKEN",
// like the automation endpoint.
package diag
