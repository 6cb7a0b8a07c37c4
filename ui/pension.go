package ui

import (
	"context"
	"errors"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// The pension verification flow: PPO number → the pensioner (masked) and
// whether a certificate is due → the finger on the scanner → the answer,
// and the slip. No money moves; the capture never reaches the UI.

// pensionState is the flow's part of flowState.
type pensionState struct {
	pensioner pension.Pensioner
	result    *engine.LifeVerification
}

// pensionScreen builds the flow's screens.
func (a *app) pensionScreen(screen string) (body fyne.CanvasObject, title string, step, steps int, back func(), ok bool) {
	switch screen {
	case "pensionref":
		return a.entryScreen(i18n.T(i18n.English, "pension.label"), i18n.T(i18n.Hindi, "pension.label"), pension.PPOPattern, "", false, a.findPensioner),
			a.t("pension.prompt"), 1, 3, a.goHome, true
	case "pensioner":
		return a.pensionerScreen(), a.t("pension.title"), 2, 3, func() { a.show("pensionref") }, true
	case "pensiondone":
		return a.pensionDoneScreen(), a.t("pension.title"), 3, 3, nil, true
	}
	return nil, "", 0, 0, nil, false
}

// openPension starts the flow, after checking the scanner answers: a
// pensioner must not type a number only to hear the scanner is missing.
func (a *app) openPension() {
	if a.busy {
		return
	}
	a.beginIfNeeded()
	a.busy = true
	a.async(func() func() {
		err := a.k.ScannerReady(context.Background())
		return func() {
			a.busy = false
			switch {
			case errors.Is(err, engine.ErrServiceUnavailable):
				a.notice = []string{a.t("svc.unavailable")}
				a.render()
			case err != nil:
				a.notice = []string{a.t("pension.scanner")}
				a.render()
			default:
				a.flow.entry = ""
				a.show("pensionref")
			}
		}
	})
}

func (a *app) findPensioner(ppo string) {
	a.busy = true
	a.render()
	a.async(func() func() {
		p, err := a.k.FindPensioner(context.Background(), ppo)
		return func() {
			a.busy = false
			switch {
			case errors.Is(err, pension.ErrNotFound):
				a.setMessage("flow.not_found")
			case errors.Is(err, pension.ErrInvalidRef):
				a.setMessage("flow.invalid_plain")
			case err != nil:
				a.setMessage("err.gateway_down")
			default:
				a.flow.pension = pensionState{pensioner: p}
				a.show("pensioner")
				return
			}
			a.render()
		}
	})
}

func (a *app) pensionerScreen() fyne.CanvasObject {
	p := a.flow.pension.pensioner
	rows := []fyne.CanvasObject{
		text(p.Name, 34, true, kt.Ink),
		a.row(a.t("pension.label"), p.PPO, false),
		text(a.t("pension.scheme"), 20, false, kt.Ink),
		text(a.pick(p.Scheme, p.SchemeHi), 24, false, kt.Ink),
		a.row(a.t("pension.district"), p.District, false),
	}
	msg := a.message()
	msgColor := color.Color(kt.Danger)
	if a.busy {
		msg, msgColor = a.t("pension.place"), kt.Primary
	}
	if !p.Due {
		rows = append(rows, text(a.t("pension.valid", formatDate(p.VerifiedUntil)), 24, true, kt.OK))
		return container.NewVBox(rows...)
	}
	rows = append(rows, text(a.t("pension.due"), 26, true, kt.Primary), text(msg, 24, true, msgColor))
	verify := newTile("pension.verify", kt.OK, kt.White, a.verifyPension, a.t("pension.verify")).withSizes(32).withNames(i18n.Both("pension.verify")...)
	return container.NewGridWithColumns(2, container.NewVBox(rows...),
		container.NewBorder(nil, container.New(&fixedHeight{h: 140}, verify), nil, nil))
}

func (a *app) verifyPension() {
	a.touched()
	if a.busy {
		return
	}
	a.busy = true
	a.setMessage("")
	a.render()
	p := a.flow.pension.pensioner
	a.async(func() func() {
		v, err := a.k.VerifyPension(context.Background(), p)
		return func() {
			a.busy = false
			switch {
			case errors.Is(err, engine.ErrCaptureTimeout):
				a.setMessage("pension.timeout")
			case errors.Is(err, engine.ErrPoorQuality):
				a.setMessage("pension.bad")
			case err != nil:
				a.setMessage("pension.scanner")
			default:
				a.flow.pension.result = &v
				a.show("pensiondone")
				return
			}
			a.render()
		}
	})
}

func (a *app) pensionDoneScreen() fyne.CanvasObject {
	v := a.flow.pension.result
	if v == nil {
		return canvas.NewRectangle(color.Transparent)
	}
	var lines []string
	titleColor := color.Color(kt.OK)
	retry := false
	switch {
	case v.Status == pension.Success:
		lines = []string{a.t("pension.ok"), a.t("pension.cert", v.CertificateID), a.t("pension.until", formatDate(v.ValidUntil)), a.t("pension.slip")}
	case v.Problem == engine.ProblemGatewayDown:
		lines, titleColor = []string{a.t("pension.unconfirmed")}, kt.Accent
	case v.ReasonCode == pension.NoMatch:
		lines, titleColor, retry = []string{a.t("pension.no_match"), a.t("pension.slip")}, kt.Danger, true
	case v.ReasonCode == pension.AlreadyVerified:
		lines = []string{a.t("pension.already")}
	case v.ReasonCode == pension.BadCapture:
		lines, titleColor, retry = []string{a.t("pension.bad")}, kt.Danger, true
	default:
		lines, titleColor, retry = []string{a.t("pension.not_sent")}, kt.Danger, true
	}
	if v.Problem == engine.ProblemPrinterDown {
		lines = append(lines, a.t("problem.printer-down"))
	}
	objs := headedLines(lines, 36, 28, titleColor)
	home := newTile("nav.home", kt.Primary, kt.White, func() { a.touched(); a.goHome() }, a.t("nav.home")).withSizes(34).withNames(i18n.Both("nav.home")...)
	var left fyne.CanvasObject = canvas.NewRectangle(color.Transparent)
	if retry {
		left = newTile("pension.try", kt.OK, kt.White, func() { a.touched(); a.show("pensioner") }, a.t("pension.try")).withSizes(30).withNames(i18n.Both("pension.try")...)
	}
	return container.NewBorder(nil, container.New(&fixedHeight{h: 110}, container.NewGridWithColumns(3, left, home, canvas.NewRectangle(color.Transparent))), nil, nil, container.NewVBox(objs...))
}
