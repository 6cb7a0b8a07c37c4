package embedded_test

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
	intNoos "fyne.io/fyne/v2/internal/driver/embedded"
	"github.com/stretchr/testify/assert"
)

func TestDeviceLocale(t *testing.T) {
	newDriver := func() fyne.Driver {
		return intNoos.NewNoOSDriver(func(image.Image) {}, func(f func()) { f() }, make(chan embedded.Event),
			func() fyne.Size { return fyne.NewSize(10, 10) })
	}
	d := newDriver()
	assert.Equal(t, fyne.Locale("en"), d.Device().Locale(), "default without a locale source")

	locale := fyne.Locale("hi-IN")
	intNoos.SetLocaleSource(d, func() fyne.Locale { return locale })
	assert.Equal(t, fyne.Locale("hi-IN"), d.Device().Locale())
	locale = "en-IN" // the source is asked each time, so a configuration change takes effect
	assert.Equal(t, fyne.Locale("en-IN"), d.Device().Locale())
	locale = ""
	assert.Equal(t, fyne.Locale("en"), d.Device().Locale(), "empty locale falls back to en")
}
