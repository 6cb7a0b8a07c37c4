package embedded

import (
	"fyne.io/fyne/v2"
)

type noosDevice struct {
	locale func() fyne.Locale // set from an embedded.LocaleDriver; nil means "en"
}

func (n *noosDevice) Orientation() fyne.DeviceOrientation {
	return fyne.OrientationVertical
}

func (n *noosDevice) IsMobile() bool {
	return false
}

func (n *noosDevice) IsBrowser() bool {
	return false
}

func (n *noosDevice) HasKeyboard() bool {
	return true
}

func (n *noosDevice) SystemScaleForWindow(fyne.Window) float32 {
	return 1.0
}

func (n *noosDevice) Locale() fyne.Locale {
	if n.locale != nil {
		if l := n.locale(); l != "" {
			return l
		}
	}
	return "en"
}

// SetLocaleSource makes the device of a driver made by NewNoOSDriver report the locale that source returns.
func SetLocaleSource(d fyne.Driver, source func() fyne.Locale) {
	if n, ok := d.(*noosDriver); ok {
		n.device.locale = source
	}
}
