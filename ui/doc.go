// Package ui is the citizen's touchscreen: Fyne screens, the on-screen
// keypad, the language switch and the automation/support endpoint, on
// Fyne's embedded driver (`-tags noos`), which Mitra glues to a Screen and
// an input event channel — a desktop window, an in-memory framebuffer or the
// appliance's /dev/fb0 — so every environment runs the same screens and the
// same input path. Run is the entry point; cmd/mitra bridges the
// drivers/display backends to Screen and InputEvent (this package does not
// import drivers/).
//
// The UI talks only to engine.Kiosk. It works around the defects of Fyne
// v2.7.3's embedded driver (see ../shared/docs/fyne-embedded.md), each with a
// test in this package through the real driver:
//
//   - background updates (fyne.Do) never repaint: every update that changed
//     the screen is followed by an empty key event, which makes the driver
//     render (TestAsyncUpdateRepaints);
//   - CanvasForObject is nil, so Entry never takes focus, Select panics and
//     pop-ups are not tappable: the UI uses none of them — its own keypad
//     writes into a label and its modal layer is part of the content
//     (TestNoBrokenWidgets, and the flow tests press modal buttons);
//   - a slow frame turns a tap into a secondary tap: every tappable widget
//     treats TappedSecondary as Tapped (there are no long-press menus)
//     (TestSlowTapActs);
//   - the locale is fixed to "en": the UI has its own catalogues (ui/i18n)
//     (TestLanguageSwitchKeepsPlace, i18n.TestCatalogueComplete);
//   - every touch move repaints the window: the input path drops moves
//     under 4 px (TestSmallMovesDropped).
//
// # Automation endpoint
//
// Off unless Options.AutomationAddr is set; loopback only unless a token is
// configured, and then every request needs "Authorization: Bearer <token>".
// Every request that acts is answered only after its effects — the tap, the
// work it started (a bill fetch, a payment step) and the resulting frame —
// are done, so a client can act and then read /state deterministically.
//
//	GET  /screen.png          the current frame
//	GET  /state               JSON State: screen id (home, bills, biller,
//	                          knumber, bill, cash, done, cancelled, credited,
//	                          acknowledged), lang, session_id, txn_id,
//	                          txn_state, message, visible labels, frames
//	POST /tap?x=&y=           touch down and up at a point
//	POST /press?text=LABEL    tap the visible button labelled LABEL in either
//	                          language (404 if none is visible)
//	POST /type?text=DIGITS    press the on-screen keypad's keys (422 if a
//	                          character has no key)
//	POST /sim/note?rupees=N   feed a note to the simulated acceptor (404 on
//	                          real hardware, 409 when no payment waits)
package ui
