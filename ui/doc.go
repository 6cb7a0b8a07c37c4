// Package ui is the citizen's touchscreen: Fyne screens, the on-screen
// keypad, the language switch and the automation/support endpoint, on
// Fyne's embedded driver (`-tags noos`), which Mitra glues to a Screen and
// an input event channel — a desktop window, an in-memory framebuffer or the
// appliance's /dev/fb0 — so every environment runs the same screens and the
// same input path.
//
// The UI talks only to engine.Kiosk. It works around the defects of Fyne
// v2.7.3's embedded driver (see ../shared/docs/fyne-embedded.md), each with a
// test in this package:
//
//   - background updates (fyne.Do) never repaint: every update is followed
//     by an empty key event, which makes the driver render;
//   - CanvasForObject is nil, so Entry never takes focus, Select panics and
//     pop-ups are not tappable: the UI uses none of them — its own keypad
//     writes into a label and its modal layer is part of the content;
//   - a slow frame turns a tap into a secondary tap: every tappable widget
//     treats TappedSecondary as Tapped (there are no long-press menus);
//   - the locale is fixed to "en": the UI has its own catalogues (ui/i18n).
package ui
