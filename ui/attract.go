package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// attractServices are the services the attract screen lists, as Home
// offers them.
var attractServices = []string{"svc.bills", "svc.certificates", "svc.land", "svc.exam", "svc.aadhaar", "svc.pension", "svc.status"}

// attractScreen is what an idle kiosk shows to passers-by: what it does,
// when it is open, and one large invitation in both languages. Any citizen
// data is gone before it appears.
func (a *app) attractScreen() fyne.CanvasObject {
	services := []fyne.CanvasObject{text(a.t("attract.services"), 28, true, kt.Primary)}
	for _, key := range attractServices {
		services = append(services, text("•  "+i18n.T(i18n.Hindi, key)+"  /  "+i18n.T(i18n.English, key), 24, false, kt.Ink))
	}
	info := []fyne.CanvasObject{text(a.t("attract.hours"), 28, true, kt.Primary), text(a.opts.OpeningHours, 40, true, kt.Ink)}
	if a.opts.KioskName != "" {
		info = append(info, text(a.opts.KioskName, 24, false, kt.Ink))
	}
	start := newTile("attract.start", kt.OK, kt.White, func() {
		a.touched()
		a.beginIfNeeded()
		a.show("home")
	}, i18n.T(i18n.Hindi, "attract.start"), i18n.T(i18n.English, "attract.start")).withSizes(44, 32).withNames(i18n.Both("attract.start")...)
	if a.compact() {
		// 800×480: the hours beside the heading, the services in two
		// columns, a lower invitation.
		head := container.NewGridWithColumns(2, text(a.t("attract.services"), 22, true, kt.Primary),
			text(a.t("attract.hours")+": "+a.opts.OpeningHours, 22, true, kt.Ink))
		var cols [2][]fyne.CanvasObject
		for i, key := range attractServices {
			cols[i%2] = append(cols[i%2], text(i18n.T(i18n.Hindi, key)+" / "+i18n.T(i18n.English, key), 15, false, kt.Ink))
		}
		start.withSizes(30, 22)
		return container.NewBorder(head, container.New(&fixedHeight{h: 72}, start), nil, nil,
			container.NewGridWithColumns(2, container.NewVBox(cols[0]...), container.NewVBox(cols[1]...)))
	}
	return container.NewBorder(nil, container.New(&fixedHeight{h: 200}, start), nil, nil,
		container.NewGridWithColumns(2, container.NewVBox(services...), container.NewVBox(info...)))
}
