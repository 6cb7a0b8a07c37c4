package embedded

import (
	"image"

	"fyne.io/fyne/v2"
)

// Driver is an embedded driver designed for handling custom hardware.
// Various standard driver implementations are available in the fyne-x project.
//
// Since: 2.7
type Driver interface {
	Render(image.Image)
	Run(func())

	ScreenSize() fyne.Size
	Queue() chan Event
}

// LocaleDriver is an optional interface an embedded Driver may implement to report the device's locale
// (for example from the kiosk's configuration). Without it the device locale is "en".
type LocaleDriver interface {
	Locale() fyne.Locale
}
