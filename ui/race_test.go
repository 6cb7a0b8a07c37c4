//go:build race

package ui

import "image"

// Under the race detector Fyne's software painter is ~10× slower; the flow
// tests check behaviour, not pixels, so they run on a smaller screen there (a common 7-inch panel)
// to keep `make test` inside the CI budget. Tests that tap coordinates ask
// for 1280×800 explicitly.
func init() {
	defaultTestScreen = image.Pt(1024, 600)
	raceDetector = true
}
