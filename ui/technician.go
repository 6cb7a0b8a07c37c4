package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// The technician menu opens by a gesture no citizen makes by chance — five
// taps within three seconds on the kiosk's name in the top-left corner, a
// text that does nothing when tapped — and then the technician PIN from the
// configuration (stored hashed). Three wrong PINs lock it for five minutes.
// A kiosk without a configured PIN has no menu at all.

const (
	secretTaps    = 5
	secretWindow  = 3 * time.Second
	pinAttempts   = 3
	pinLockout    = 5 * time.Minute
	brandW, brand = 320, 56 // the kiosk-name corner, in pixels
)

// secretGesture counts taps on the kiosk name. Taps come from the input
// goroutine and from the automation endpoint, hence the lock.
type secretGesture struct {
	mu   sync.Mutex
	taps []time.Time
}

// tap records a touch at (x, y) and reports whether it completes the
// gesture.
func (g *secretGesture) tap(x, y float32, now time.Time, window time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if x > brandW || y > brand {
		g.taps = g.taps[:0]
		return false
	}
	g.taps = append(g.taps, now)
	for len(g.taps) > 0 && now.Sub(g.taps[0]) > window {
		g.taps = g.taps[1:]
	}
	if len(g.taps) >= secretTaps {
		g.taps = g.taps[:0]
		return true
	}
	return false
}

// techState is the menu's state (loop only).
type techState struct {
	pin      string
	failures int
	locked   time.Time
	report   *engine.TechnicianReport
	from     string // screen to return to
}

// touchedAt is called for every touch-down before Fyne sees it.
func (a *app) touchedAt(x, y float32) {
	if a.opts.TechnicianPINHash == "" || !a.secret.tap(x, y, time.Now(), a.opts.GestureWindow) {
		return
	}
	a.do(func() {
		if a.pay != nil && !a.paySt.Phase.Final() {
			return // never over a payment in progress
		}
		a.tech.pin, a.tech.from = "", a.cur
		a.show("techpin")
	})
}

func (a *app) technicianScreen(screen string) (body fyne.CanvasObject, title string, ok bool) {
	switch screen {
	case "techpin":
		return a.pinScreen(), "Technician / तकनीशियन", true
	case "technician":
		return a.reportScreen(), "Technician / तकनीशियन", true
	}
	return nil, "", false
}

// A USB keyboard plugged into the kiosk is for the technician alone: it
// types the PIN (digits, BackSpace, Delete, Return) and leaves the menu
// (Escape). On every citizen screen keys do nothing, so no key or key
// combination takes a citizen anywhere the touchscreen would not.

// technicianKey handles a named key (on the Fyne loop).
func (a *app) technicianKey(k fyne.KeyName) {
	switch a.cur {
	case "techpin":
		switch k {
		case fyne.KeyBackspace:
			a.touched()
			if n := len(a.tech.pin); n > 0 {
				a.tech.pin = a.tech.pin[:n-1]
			}
			a.render()
		case fyne.KeyDelete:
			a.touched()
			a.tech.pin = ""
			a.render()
		case fyne.KeyReturn, fyne.KeyEnter:
			a.checkPIN()
		case fyne.KeyEscape:
			a.touched()
			from := a.tech.from
			a.tech = techState{}
			a.show(from)
		}
	case "technician":
		switch k {
		case fyne.KeyEscape:
			a.leaveTechnician()
		case fyne.KeyF5:
			a.touched()
			a.openReport()
		}
	}
}

// technicianRune handles a typed character: PIN digits.
func (a *app) technicianRune(r rune) {
	if a.cur == "techpin" && r >= '0' && r <= '9' {
		a.pinDigit(string(r))
	}
}

func (a *app) pinDigit(d string) {
	a.touched()
	if len(a.tech.pin) < 12 {
		a.tech.pin += d
	}
	a.setMessage("")
	a.render()
}

func (a *app) leaveTechnician() {
	a.touched()
	a.tech = techState{}
	a.goHome()
}

func (a *app) pinScreen() fyne.CanvasObject {
	msg := a.message()
	if time.Now().Before(a.tech.locked) {
		msg = a.t("tech.locked")
	}
	display := container.NewVBox(text(a.t("tech.pin"), 26, true, kt.Ink),
		text(strings.Repeat("*", len(a.tech.pin))+strings.Repeat("_", max(0, 6-len(a.tech.pin))), 52, true, kt.Primary),
		text(msg, 24, true, kt.Danger))
	digit := func(d string) fyne.CanvasObject {
		return newTile("key."+d, kt.Primary, kt.White, func() { a.pinDigit(d) }, d).withSizes(40)
	}
	clear := newTile("ref.clear", kt.Accent, kt.White, func() { a.touched(); a.tech.pin = ""; a.render() }, a.t("ref.clear")).
		withSizes(26).withNames(i18n.Both("ref.clear")...)
	enter := newTile("tech.enter", kt.OK, kt.White, a.checkPIN, a.t("tech.enter")).withSizes(28).withNames(i18n.Both("tech.enter")...)
	pad := container.NewGridWithColumns(3, digit("1"), digit("2"), digit("3"), digit("4"), digit("5"), digit("6"),
		digit("7"), digit("8"), digit("9"), clear, digit("0"), enter)
	return container.NewGridWithColumns(2, display, pad)
}

func (a *app) checkPIN() {
	a.touched()
	pin := a.tech.pin
	a.tech.pin = ""
	switch {
	case time.Now().Before(a.tech.locked):
	case config.CheckPIN(a.opts.TechnicianPINHash, pin):
		a.tech.failures = 0
		a.openReport()
		return
	default:
		a.tech.failures++
		a.opts.Log.Printf("technician: wrong PIN (%d of %d)", a.tech.failures, pinAttempts)
		if a.tech.failures >= pinAttempts {
			a.tech.failures, a.tech.locked = 0, time.Now().Add(pinLockout)
			a.opts.Log.Printf("technician: menu locked for %v", pinLockout)
		}
		a.setMessage("tech.wrong")
	}
	a.render()
}

func (a *app) openReport() {
	a.busy = true
	a.async(func() func() {
		r := a.k.TechnicianReport(context.Background())
		return func() {
			a.busy = false
			a.tech.report = &r
			a.show("technician")
		}
	})
}

// reportScreen is in English and Hindi at once: technicians read either.
func (a *app) reportScreen() fyne.CanvasObject {
	r := a.tech.report
	if r == nil {
		return text("…", 24, false, kt.Ink)
	}
	left := []fyne.CanvasObject{text(fmt.Sprintf("Kiosk %s — %s", r.KioskID, r.Version), 22, true, kt.Ink)}
	for _, d := range r.Devices {
		c, mark := color.Color(kt.OK), "OK"
		if !d.OK {
			c, mark = kt.Danger, "FAULT"
		}
		left = append(left, text(fmt.Sprintf("%s %s: %s", mark, d.Name, d.Detail), 20, false, c))
	}
	right := []fyne.CanvasObject{
		text(fmt.Sprintf("Open transactions: %d", r.Open), 20, false, kt.Ink),
		text(fmt.Sprintf("Credit slips owed: %d, %s", r.Credits, fmtMoney(r.CreditSum)), 20, false, kt.Ink),
	}
	if len(r.Violations) == 0 {
		right = append(right, text("Journal: money invariants hold", 20, false, kt.OK))
	}
	for _, v := range r.Violations {
		right = append(right, text("VIOLATION: "+v, 18, false, kt.Danger))
	}
	for _, v := range r.Attention {
		right = append(right, text(v, 18, false, kt.Accent))
	}
	var tiles []fyne.CanvasObject
	for _, p := range r.Pending {
		p := p
		tiles = append(tiles, newTile("tech.reprint."+p.TxnID, kt.Accent, kt.White, func() { a.touched(); a.reprint(p.TxnID) },
			"Reprint "+p.TxnID).withSizes(20))
	}
	if up := a.opts.UpdateFromUSB; up != nil {
		tiles = append(tiles, newTile("tech.usb", kt.Accent, kt.White, func() { a.touched(); a.updateFromUSB(up) },
			"Update from USB stick").withSizes(22))
	}
	exit := newTile("tech.exit", kt.Primary, kt.White, a.leaveTechnician, a.t("tech.exit")).
		withSizes(28).withNames(i18n.Both("tech.exit")...)
	tiles = append(tiles, exit)
	return container.NewBorder(nil, container.New(&fixedHeight{h: 100}, container.NewGridWithColumns(min(4, len(tiles)), tiles...)), nil, nil,
		container.NewGridWithColumns(2, container.NewVBox(left...), container.NewVBox(right...)))
}

func (a *app) reprint(txnID string) {
	a.busy = true
	a.async(func() func() {
		err := a.k.Reprint(context.Background(), txnID)
		r := a.k.TechnicianReport(context.Background())
		return func() {
			a.busy = false
			a.tech.report = &r
			if err != nil {
				a.notice = []string{"Reprint " + txnID + ": " + err.Error()}
			}
			a.render()
		}
	})
}

// updateFromUSB installs the bundle on a USB stick through the update
// service (same signature check as a network update) and shows its
// report; on success the kiosk reboots into the new root on trial.
func (a *app) updateFromUSB(up func(context.Context) (string, error)) {
	a.busy = true
	a.notice = []string{"Updating from the USB stick…", "Do not remove the stick or switch off."}
	a.render()
	a.async(func() func() {
		msg, err := up(context.Background())
		return func() {
			a.busy = false
			if err != nil {
				a.notice = []string{"USB update refused", err.Error()}
			} else {
				a.notice = []string{"USB update installed; the kiosk restarts", msg}
			}
			a.render()
		}
	})
}
