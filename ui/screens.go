package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// tileRef is a visible tappable with its absolute rectangle.
type tileRef struct {
	t    *tile
	x, y float32
	w, h float32
}

// render rebuilds the current screen. Screens are small; rebuilding keeps
// every screen a pure function of the state, which is what makes a language
// switch "keep the place" for free.
func (a *app) render() {
	a.renders++
	a.applyAccess()
	screen := a.cur
	var body fyne.CanvasObject
	title, step, steps := "", 0, 0
	back, cancel := a.goHome, a.goHome
	switch screen {
	case "attract":
		body, back, cancel = a.attractScreen(), nil, nil
		title = a.t("attract.title")
	case "home":
		body, back, cancel = a.homeScreen(), nil, nil
		title = a.t("home.prompt")
	case "bills":
		body, title, step, steps = a.billsScreen(), a.t("bills.prompt"), 1, 5
	case "biller":
		body, title, step, steps = a.billerScreen(), a.t("biller.prompt"), 2, 5
		back = func() { a.show("bills") }
	case "knumber":
		body, title, step, steps = a.refScreen(), a.t("ref.prompt", a.refLabel()), 3, 5
		back = func() { a.show("biller") }
	case "bill":
		body, title, step, steps = a.billScreen(), a.t("bill.title"), 4, 5
		back = func() { a.show("knumber") }
	case "cash":
		body, title, step, steps = a.cashScreen(), a.t("cash.title"), 5, 5
		back = nil
		cancel = nil
		if (a.paySt.Phase == engine.PhaseInserting && !paidIn(a.paySt)) || a.paySt.Phase == engine.PhaseOverpay {
			p := a.pay
			cancel = func() { a.touched(); a.expectPay(); offLoop(p.Cancel) }
		}
	case "techpin", "technician":
		body, title, _ = a.technicianScreen(screen)
		from := a.tech.from
		back, cancel = func() { a.tech = techState{}; a.show(from) }, nil
		if screen == "technician" {
			back = nil
		}
	default:
		if b, t, st, sts, bk, ok := a.flowScreen(screen); ok {
			body, title, step, steps, back = b, t, st, sts, bk
			if screen == "pensiondone" {
				cancel = nil // finished: Home is on the screen
			}
			if screen == "search" && a.compact() {
				back, cancel = nil, nil // Home is on the keyboard
			}
			break
		}
		// outcome screens
		body, back, cancel = a.outcomeScreen(screen), nil, nil
	}
	content, top := a.frame(title, step, steps, body, back, cancel)
	var overlay fyne.CanvasObject
	switch {
	case screen == "cash" && a.paySt.Phase == engine.PhaseOverpay:
		overlay = a.overpayOverlay()
	case a.acc.open && a.idleWarn == 0:
		overlay = a.accessPanel()
	case a.idleWarn > 0:
		overlay = a.modal([]string{a.t("idle.title"), a.t("idle.body", a.idleWarn)},
			newTile("idle.more", kt.Primary, kt.White, func() { a.touched(); a.render() }, a.t("idle.more")).withNames(i18n.Both("idle.more")...))
	case len(a.notice) > 0:
		overlay = a.modal(a.notice, newTile("ok", kt.Primary, kt.White, func() { a.touched(); a.notice = nil; a.render() }, a.t("ok")).withNames(i18n.Both("ok")...))
	case screen == "home" && len(a.recovered) > 0:
		overlay = a.modal(a.recoveredLines(), newTile("ok", kt.Primary, kt.White, func() { a.touched(); a.recovered = nil; a.render() }, a.t("ok")).withNames(i18n.Both("ok")...))
	}
	if overlay != nil {
		// The modal covers everything but the top bar, so the language
		// switch stays in reach while a question is on screen.
		content = container.NewStack(content, container.New(&belowTop{top: a.topBarHeight() + 2*pagePad}, overlay))
	}
	a.win.SetContent(content)
	a.register(content, top, overlay)
	switch {
	case a.idleWarn > 0:
		a.speak("idle")
	case a.acc.open:
		a.speak("access")
	case screen == "cash" || overlay == nil:
		a.speak(outcomeName(screen))
	}
}

// outcomeName is the prompt name of a screen: outcome screens are named by
// the payment phase they show.
func outcomeName(screen string) string {
	switch engine.Phase(screen) {
	case engine.PhaseDone:
		return "done"
	case engine.PhaseCancelled:
		return "cancelled"
	case engine.PhaseCredited:
		return "credited"
	case engine.PhaseAcknowledged:
		return "acknowledged"
	}
	return screen
}

// register records the visible tiles for the automation endpoint. When a
// modal is up only its tiles count: the ones under it cannot be tapped.
func (a *app) register(content, top, overlay fyne.CanvasObject) {
	var refs []tileRef
	var labels []string
	var walk func(o fyne.CanvasObject, x, y float32)
	walk = func(o fyne.CanvasObject, x, y float32) {
		if !o.Visible() {
			return
		}
		p := o.Position()
		x, y = x+p.X, y+p.Y
		switch v := o.(type) {
		case *tile:
			s := v.Size()
			refs = append(refs, tileRef{t: v, x: x, y: y, w: s.Width, h: s.Height})
			labels = append(labels, strings.Join(v.lines, " "))
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c, x, y)
			}
		case *canvas.Text:
			labels = append(labels, v.Text)
		}
	}
	if overlay == nil {
		walk(content, 0, 0)
	} else {
		// Both parents sit at the window's origin (stacks), so the
		// objects' own positions are absolute.
		walk(top, 0, 0)
		walk(overlay, 0, 0)
	}
	a.mu.Lock()
	a.tiles, a.labels, a.shownLang, a.screen, a.shownMsg = refs, labels, a.lang, a.cur, a.message()
	a.mu.Unlock()
}

// frame lays out a screen: a top bar (kiosk name, title, step, language
// switch), the body, and a bottom bar with Back and Cancel.
func (a *app) frame(title string, step, steps int, body fyne.CanvasObject, back, cancel func()) (page, topBarObj fyne.CanvasObject) {
	langHi := newTile("lang.hi", langBg(a.lang == i18n.Hindi), kt.White, func() { a.touched(); a.lang = i18n.Hindi; a.render() }, "हिन्दी").
		withSizes(26).withNames("हिन्दी", "Hindi")
	langEn := newTile("lang.en", langBg(a.lang == i18n.English), kt.White, func() { a.touched(); a.lang = i18n.English; a.render() }, "English").
		withSizes(26).withNames("English", "अंग्रेज़ी")
	brand := text(a.t("app.title"), 30, true, kt.Primary)
	titleText := text(title, 32, true, kt.Ink)
	var stepText fyne.CanvasObject = canvas.NewRectangle(color.Transparent)
	if steps > 0 {
		stepText = text(a.t("nav.step", step, steps), 22, false, kt.Ink)
	}
	heading := container.NewVBox(brand, titleText, stepText)
	if a.compact() {
		// 800×480: one line of title and step; the kiosk's name is on
		// the attract screen and the slips.
		titleText.TextSize = 24
		if t, ok := stepText.(*canvas.Text); ok {
			t.TextSize = 18
		}
		heading = container.NewVBox(titleText, stepText)
	}
	speaker, options := a.accessTiles()
	langW, accW := float32(150), float32(84)
	if a.compact() {
		langW, accW = 118, 72
	}
	right := container.New(&widths{w: []float32{accW, accW, langW, langW}, gap: 8}, speaker, options, langHi, langEn)
	top := container.New(&fixedRow{height: a.topBarHeight(), right: 2*accW + 2*langW + 3*8}, heading, right)
	var bottom fyne.CanvasObject = canvas.NewRectangle(color.Transparent)
	var buttons []fyne.CanvasObject
	if back != nil {
		buttons = append(buttons, newTile("nav.back", kt.Primary, kt.White, func() { a.touched(); back() }, symBack+" "+a.t("nav.back")).
			withSizes(28).withNames(append(i18n.Both("nav.back"), symBack+" "+a.t("nav.back"))...))
	} else {
		buttons = append(buttons, canvas.NewRectangle(color.Transparent))
	}
	buttons = append(buttons, canvas.NewRectangle(color.Transparent))
	if cancel != nil {
		buttons = append(buttons, newTile("nav.cancel", kt.Danger, kt.White, func() { a.touched(); cancel() }, symCancel+" "+a.t("nav.cancel")).
			withSizes(28).withNames(append(i18n.Both("nav.cancel"), symCancel+" "+a.t("nav.cancel"))...))
	} else {
		buttons = append(buttons, canvas.NewRectangle(color.Transparent))
	}
	if back != nil || cancel != nil {
		bottom = container.NewGridWithColumns(3, buttons...)
	}
	bg := canvas.NewRectangle(kt.Background)
	bottomH := float32(bottomBar)
	if back == nil && cancel == nil && a.compact() {
		bottomH = 0 // 800×480: a screen without Back/Cancel takes the space
	}
	return container.NewStack(bg, container.New(&pageLayout{top: a.topBarHeight(), bottom: bottomH, pad: pagePad}, top, body, bottom)), top
}

// topBarHeight is the top bar's height: lower on the 800×480 screen.
func (a *app) topBarHeight() float32 {
	if a.compact() {
		return 64
	}
	return topBar
}

func langBg(active bool) color.Color {
	if active {
		return kt.Primary
	}
	return kt.Inactive
}

func (a *app) homeScreen() fyne.CanvasObject {
	svc := func(key string, active bool) fyne.CanvasObject {
		en, hi := i18n.T(i18n.English, key), i18n.T(i18n.Hindi, key)
		lines := []string{hi, en}
		if a.lang == i18n.English {
			lines = []string{en, hi}
		}
		bg, fg := kt.Primary, kt.White
		if !active {
			bg, fg = kt.Muted, kt.Ink
		}
		tap := func() {
			a.touched()
			if !active {
				a.notice = []string{a.t(key), a.t("svc.unavailable")}
				a.render()
				return
			}
			if _, ok := menus[key]; ok {
				a.openGroup(key)
				return
			}
			if key == "svc.pension" {
				a.openPension()
				return
			}
			if key == "svc.help" {
				a.beginIfNeeded()
				a.flow.search = keyboardState{hindi: a.lang == i18n.Hindi}
				a.show("search")
				return
			}
			a.beginIfNeeded()
			a.show("bills")
		}
		return newTile(key, bg, fg, tap, lines...).withNames(hi, en)
	}
	return container.NewGridWithColumns(4,
		svc("svc.bills", true), svc("svc.certificates", true), svc("svc.land", true), svc("svc.exam", true),
		svc("svc.aadhaar", true), svc("svc.pension", true), svc("svc.status", true), svc("svc.help", true))
}

func (a *app) billsScreen() fyne.CanvasObject {
	cat := func(key string, c billpay.Category) fyne.CanvasObject {
		en, hi := i18n.T(i18n.English, key), i18n.T(i18n.Hindi, key)
		return newTile(key, kt.Primary, kt.White, func() {
			a.touched()
			a.category = c
			a.busy = true
			a.async(func() func() {
				bs, err := a.k.Billers(context.Background(), c)
				return func() {
					a.busy = false
					switch {
					case err != nil:
						a.notice = []string{a.t("err.gateway_down")}
						a.render()
					case len(bs) == 0:
						a.notice = []string{a.t(key), a.t("cat.none")}
						a.render()
					default:
						a.billers = bs
						a.show("biller")
					}
				}
			})
		}, a.t(key)).withNames(hi, en)
	}
	return container.NewGridWithColumns(2,
		cat("cat.electricity", billpay.Electricity), cat("cat.water", billpay.Water),
		cat("cat.telephone", billpay.Telephone), cat("cat.mobile", billpay.Mobile))
}

func (a *app) billerScreen() fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	for _, b := range a.billers {
		b := b
		tiles = append(tiles, newTile("biller."+b.ID, kt.Primary, kt.White, func() {
			a.touched()
			a.biller, a.ref = b, ""
			a.show("knumber")
		}, b.ID, a.billerName(b)).withSizes(40, 22).withNames(b.ID, b.Name, b.NameHi))
	}
	return container.NewGridWithColumns(max(1, min(3, len(tiles))), tiles...)
}

// groupDigits shows 210123456789 as 2101 2345 6789.
func groupDigits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (a *app) refScreen() fyne.CanvasObject {
	n := a.refDigits()
	// The digits still to type show as underscores, so the citizen sees
	// how long the number is and where it stands.
	shown := groupDigits(a.ref + strings.Repeat("_", max(0, n-len(a.ref))))
	msg := a.message()
	msgColor := color.Color(kt.Danger)
	if a.busy {
		msg, msgColor = a.t("ref.fetching"), kt.Primary
	}
	display := container.NewVBox(
		text(a.billerName(a.biller), 26, true, kt.Ink),
		text(shown, 56, true, kt.Primary),
		text(a.t("ref.hint", n), 22, false, kt.Ink),
		text(msg, 24, true, msgColor),
	)
	key := func(label string, f func()) fyne.CanvasObject {
		return newTile("key."+label, kt.Primary, kt.White, func() { a.touched(); f(); a.setMessage(""); a.render() }, label).withSizes(40)
	}
	digit := func(d string) fyne.CanvasObject {
		return key(d, func() {
			if len(a.ref) < n && !a.busy {
				a.ref += d
			}
		})
	}
	pad := container.NewGridWithColumns(3,
		digit("1"), digit("2"), digit("3"), digit("4"), digit("5"), digit("6"),
		digit("7"), digit("8"), digit("9"),
		newTile("ref.clear", kt.Accent, kt.White, func() { a.touched(); a.ref = ""; a.setMessage(""); a.render() }, a.t("ref.clear")).withSizes(28).withNames(i18n.Both("ref.clear")...),
		digit("0"),
		newTile("key.backspace", kt.Accent, kt.White, func() {
			a.touched()
			if len(a.ref) > 0 {
				a.ref = a.ref[:len(a.ref)-1]
			}
			a.setMessage("")
			a.render()
		}, symBackspace+" "+a.t("ref.backspace")).withSizes(28).withNames(append(i18n.Both("ref.backspace"), "Backspace", symBackspace)...),
	)
	fetch := newTile("ref.fetch", kt.OK, kt.White, a.fetchBill, a.t("ref.fetch")+" "+symNext).withSizes(34).withNames(append(i18n.Both("ref.fetch"), i18n.Both("nav.next")...)...)
	left := container.NewBorder(nil, container.New(&fixedHeight{h: 110}, fetch), nil, nil, display)
	return container.NewGridWithColumns(2, left, pad)
}

func (a *app) fetchBill() {
	a.touched()
	if a.busy {
		return
	}
	if err := a.biller.ValidateRef(a.ref); err != nil {
		a.setMessage("err.invalid_ref", a.refDigits())
		a.render()
		return
	}
	a.busy = true
	a.render()
	billerID, ref := a.biller.ID, a.ref
	a.async(func() func() {
		b, err := a.k.FetchBill(context.Background(), billerID, ref)
		return func() {
			a.busy = false
			if err != nil {
				a.msg = a.errMessage(err)
				a.render()
				return
			}
			a.bill = b
			a.show("bill")
		}
	})
}

func (a *app) row(label, value string, bold bool) fyne.CanvasObject {
	ls, vs := float32(26), float32(30)
	if a.compact() {
		ls, vs = 16, 17 // seven rows must fit 240 px on 800×480
	}
	v := text(value, vs, bold, kt.Ink)
	v.Alignment = fyne.TextAlignTrailing
	return container.NewGridWithColumns(2, text(label, ls, false, kt.Ink), v)
}

func (a *app) billScreen() fyne.CanvasObject {
	charge := a.k.UserCharge(a.bill)
	rows := container.NewVBox(
		a.row(a.t("bill.name"), a.bill.CustomerName, false),
		a.row(a.refLabel(), groupDigits(a.bill.CustomerRef), false),
		a.row(a.t("bill.number"), a.bill.BillNumber, false),
		a.row(a.t("bill.due_date"), formatDate(a.bill.DueDate), false),
		a.row(a.t("bill.amount"), fmtMoney(a.bill.Amount), false),
		a.row(a.t("bill.charge"), fmtMoney(charge), false),
		a.row(a.t("bill.total"), fmtMoney(a.bill.Amount+charge), true),
	)
	for _, r := range a.creditRows(a.bill.Amount + charge) {
		rows.Add(r)
	}
	return container.NewGridWithColumns(2, rows, container.NewBorder(nil, container.New(&fixedHeight{h: 220}, a.payTiles("bill", a.startCash)), nil, nil))
}

// formatDate shows 2026-11-30 as 30-11-2026, as Indian bills print it.
func formatDate(iso string) string {
	p := strings.Split(iso, "-")
	if len(p) != 3 {
		return iso
	}
	return p[2] + "-" + p[1] + "-" + p[0]
}

func (a *app) startCash() {
	a.touched()
	if a.busy {
		return
	}
	a.busy = true
	bill, codes := a.bill, a.creditCodes()
	a.async(func() func() {
		p, err := a.k.PayByCash(context.Background(), bill, codes...)
		return a.paymentStarted(p, err)
	})
}

func (a *app) payChanged(p engine.CashPayment, s engine.PaymentState) {
	if a.pay != p {
		return // a late update of a finished payment
	}
	a.paySt = s
	// The engine answered; nothing more is in flight. Released after the
	// render below, so the automation endpoint sees the new screen.
	if s.Phase != engine.PhasePosting && s.Phase != engine.PhasePrinting && !paidIn(s) {
		defer a.releasePay()
	}
	if s.Phase.Final() {
		a.show(string(s.Phase))
		gen := a.gen
		a.after(a.opts.DoneAfter, func() {
			if a.gen == gen {
				a.goHome()
			}
		})
		return
	}
	a.render()
}

func (a *app) cashScreen() fyne.CanvasObject {
	s := a.paySt
	// On the Pi's 800×480 screen the amounts, the status and the note
	// row must share 240 px: smaller figures, still ≥ 20 px text.
	labelSize, valueSize, statusSize := float32(26), float32(54), float32(28)
	if a.compact() {
		labelSize, valueSize, statusSize = 20, 38, 22
	}
	big := func(label string, v money.Paise, c color.Color) fyne.CanvasObject {
		return container.NewVBox(centred(label, labelSize, false, kt.Ink), centred(fmtMoney(v), valueSize, true, c))
	}
	cols := []fyne.CanvasObject{big(a.t("cash.due"), s.Due, kt.Ink)}
	if s.Applied > 0 {
		cols = append(cols, big(a.t("credit.applied"), s.Applied, kt.Accent))
	}
	cols = append(cols, big(a.t("cash.inserted"), s.Inserted, kt.OK), big(a.t("cash.remaining"), s.Remaining(), kt.Primary))
	amounts := container.NewGridWithColumns(len(cols), cols...)
	status := a.t("cash.hint")
	statusColor := color.Color(kt.Ink)
	switch {
	case s.Problem != engine.NoProblem:
		status, statusColor = a.t("problem."+string(s.Problem)), kt.Danger
	case s.Phase == engine.PhasePosting || paidIn(s):
		status = a.t("cash.posting")
	case s.Phase == engine.PhasePrinting:
		status = a.t("cash.printing")
	}
	parts := []fyne.CanvasObject{amounts, centred(status, statusSize, true, statusColor)}
	if vals := a.k.SimNoteValues(); len(vals) > 0 && s.Phase == engine.PhaseInserting && !paidIn(s) {
		var notes []fyne.CanvasObject
		for _, v := range vals {
			v := v
			notes = append(notes, newTile(fmt.Sprintf("sim.%d", v.WholeRupees()), kt.Sim, kt.White, func() {
				a.touched()
				a.expectPay()
				offLoop(func() {
					if err := a.k.SimInsertNote(v); err != nil {
						a.opts.Log.Printf("sim note: %v", err)
					}
				})
			}, fmtMoney(v)).withSizes(26).withNames(fmtMoney(v), fmt.Sprint(v.WholeRupees()), fmt.Sprintf("₹%d", v.WholeRupees())))
		}
		if !a.compact() {
			parts = append(parts, text(a.t("cash.sim"), 22, true, kt.Sim))
		}
		parts = append(parts, container.NewGridWithColumns(len(notes), notes...))
	}
	return container.NewVBox(parts...)
}

func (a *app) overpayOverlay() fyne.CanvasObject {
	s := a.paySt
	excess := s.Inserted + s.Escrow - s.Due
	ret := newTile("overpay.return", kt.Primary, kt.White, func() { a.touched(); a.expectPay(); p := a.pay; offLoop(func() { p.DecideOverpay(false) }) }, a.t("overpay.return")).
		withSizes(28).withNames(i18n.Both("overpay.return")...)
	keepNames := []string{i18n.T(i18n.Hindi, "overpay.keep", fmtMoney(excess)), i18n.T(i18n.English, "overpay.keep", fmtMoney(excess))}
	keep := newTile("overpay.keep", kt.Accent, kt.White, func() { a.touched(); a.expectPay(); p := a.pay; offLoop(func() { p.DecideOverpay(true) }) }, a.t("overpay.keep", fmtMoney(excess))).
		withSizes(28).withNames(keepNames...)
	cancel := newTile("nav.cancel", kt.Danger, kt.White, func() { a.touched(); a.expectPay(); p := a.pay; offLoop(func() { p.Cancel() }) }, symCancel+" "+a.t("nav.cancel")).
		withSizes(28).withNames(append(i18n.Both("nav.cancel"), symCancel+" "+a.t("nav.cancel"))...)
	return a.modal([]string{a.t("overpay.title"), fmtMoney(s.Escrow)}, ret, keep, cancel)
}

// headedLines centres lines one under another: the first is the heading,
// bold at titleSize in titleColor, the rest regular ink at size.
func headedLines(lines []string, titleSize, size float32, titleColor color.Color) []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(lines))
	for i, l := range lines {
		if i == 0 {
			objs = append(objs, centred(l, titleSize, true, titleColor))
			continue
		}
		objs = append(objs, centred(l, size, false, kt.Ink))
	}
	return objs
}

// modal is the kiosk's own dialog: a dimmed layer and a card, part of the
// window content so it is tappable (the embedded driver's pop-ups are not).
func (a *app) modal(lines []string, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	texts := headedLines(lines, 32, 26, kt.Ink)
	card := container.NewStack(canvas.NewRectangle(kt.Card),
		container.New(&pageLayout{top: 0, bottom: 110, pad: 24}, canvas.NewRectangle(color.Transparent),
			container.NewVBox(texts...), container.NewGridWithColumns(len(buttons), buttons...)))
	return container.NewStack(newScrim(), container.New(&centreBox{w: 900, h: 420}, card))
}

func (a *app) outcomeScreen(screen string) fyne.CanvasObject {
	s := a.paySt
	var lines []string
	titleColor := color.Color(kt.OK)
	switch engine.Phase(screen) {
	case engine.PhaseDone:
		paid := s.Bill.Amount
		if s.Document != nil {
			paid = s.Document.Fee
		}
		lines = []string{a.t("done.thanks"), a.t("done.paid", fmtMoney(paid)), a.t("done.ref", s.GatewayRef)}
		if s.Document != nil && s.Problem == engine.NoProblem {
			lines = append(lines, a.t("doc.take"))
		}
	case engine.PhaseCancelled:
		lines, titleColor = []string{a.t("cancelled.title"), a.t("cancelled.nothing")}, kt.Ink
	case engine.PhaseCredited:
		lines, titleColor = []string{a.t("credited.title")}, kt.Accent
	case engine.PhaseAcknowledged:
		lines, titleColor = []string{a.t("ack.title"), a.t("ack.body", fmtMoney(s.Inserted))}, kt.Accent
	}
	if s.Credit != nil {
		lines = append(lines, a.t("done.credit", fmtMoney(s.Credit.Amount)))
	}
	if s.Problem != engine.NoProblem && s.Problem != engine.ProblemGatewayDown {
		lines = append(lines, a.t("problem."+string(s.Problem)))
	}
	objs := headedLines(lines, 56, 30, titleColor)
	home := newTile("nav.home", kt.Primary, kt.White, func() { a.touched(); a.goHome() }, a.t("nav.home")).withSizes(34).withNames(i18n.Both("nav.home")...)
	return container.NewBorder(nil, container.New(&fixedHeight{h: 110}, container.NewGridWithColumns(3, canvas.NewRectangle(color.Transparent), home, canvas.NewRectangle(color.Transparent))), nil, nil, container.NewVBox(objs...))
}

// recoveredLines tells the first citizen after a power cut or crash how the
// transactions then open were settled, in the current language (the
// engine's Summary is English, for technicians).
func (a *app) recoveredLines() []string {
	lines := []string{a.t("recovered.title")}
	for _, o := range a.recovered {
		switch {
		case o.Credit != nil:
			lines = append(lines, a.t("recovered.credit", fmtMoney(o.Credit.Amount), o.TxnID))
		case o.Phase == engine.PhaseDone:
			lines = append(lines, a.t("recovered.paid", fmtMoney(o.Amount), o.TxnID))
		case o.Phase == engine.PhaseCancelled:
			lines = append(lines, a.t("recovered.cancelled", o.TxnID))
		default:
			lines = append(lines, a.t("recovered.pending", fmtMoney(o.Amount), o.TxnID))
		}
	}
	return lines
}

// paidIn reports a payment whose notes are all in, which the engine is
// about to post: the acceptor is done, so nothing more can be inserted.
func paidIn(s engine.PaymentState) bool {
	return s.Phase == engine.PhaseInserting && s.Due > 0 && s.Remaining() == 0
}
