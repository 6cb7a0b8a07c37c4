//go:build tamago || noos || tinygo

package embedded_test

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/embedded"
	"github.com/stretchr/testify/assert"
)

// localeDriver is an embedded.Driver that also implements embedded.LocaleDriver.
type localeDriver struct{ queue chan embedded.Event }

func (d *localeDriver) Render(image.Image)         {}
func (d *localeDriver) Run(f func())               { f() }
func (d *localeDriver) ScreenSize() fyne.Size      { return fyne.NewSize(10, 10) }
func (d *localeDriver) Queue() chan embedded.Event { return d.queue }
func (d *localeDriver) Locale() fyne.Locale        { return "hi-IN" }

func TestSetDriverDetailsUsesDriverLocale(t *testing.T) {
	a := app.NewWithID("com.example.locale")
	app.SetDriverDetails(a, &localeDriver{queue: make(chan embedded.Event)})
	assert.Equal(t, fyne.Locale("hi-IN"), a.Driver().Device().Locale())
}
