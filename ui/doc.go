// Package ui is the citizen's touchscreen: Fyne screens, the on-screen
// keypad, the language switch and the automation/support endpoint, on
// Fyne's embedded driver (`-tags noos`), which Mitra glues to a Screen and
// an input event channel — a desktop window, an in-memory framebuffer or the
// appliance's /dev/fb0 — so every environment runs the same screens and the
// same input path. Run is the entry point; cmd/mitra bridges the
// drivers/display backends to Screen and InputEvent (this package does not
// import drivers/).
//
// The UI talks only to engine.Kiosk. It runs on Mitra's patched copy of
// Fyne v2.7.3 (third_party/fyne, docs/fyne-patches.md), which fixes the
// embedded driver's defects (../shared/docs/fyne-embedded.md) and paints
// only what changed. Each defect still has a test here, through the real
// driver, so that it cannot come back unnoticed:
//
//   - background updates (fyne.Do) repaint (TestAsyncUpdateRepaints);
//   - CanvasForObject works, so Entry focus, Select and pop-ups work; the
//     kiosk still uses its own keypads and modal layer, which need no
//     focus (TestNoBrokenWidgets, and the flow tests press modal buttons);
//   - a slow frame does not turn a tap into a secondary tap, and every
//     tappable widget treats TappedSecondary as Tapped anyway (there are
//     no long-press menus) (TestSlowTapActs);
//   - the locale is the kiosk's: the UI has its own catalogues (ui/i18n)
//     (TestLanguageSwitchKeepsPlace, i18n.TestCatalogueComplete);
//   - touch moves under 4 px are dropped on the input path
//     (TestSmallMovesDropped); a triple tap during a screen change pays
//     once (TestDoubleTapPaysOnce).
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
