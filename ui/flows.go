package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/status"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// The document, status and credit-slip flows. Each is the same walk as a
// bill payment — choose, type the reference, confirm what was found with
// its price, pay, take the print — over the engine's Kiosk interface. A
// kiosk without the back-end (engine.ErrServiceUnavailable) says so; a
// back-end that is down says so; nothing is ever made up.

// flowState is what these flows hold for the current citizen. goHome
// replaces it with the zero value, so nothing of a citizen outlives the
// session.
type flowState struct {
	group       string // the Home tile that opened the menu
	docSpecs    []documents.RefSpec
	docKind     documents.Kind
	doc         documents.Document
	statusSpecs []status.RefSpec
	statusKind  status.Kind
	option      string
	result      *status.Result
	entry       string // what is typed on the reference keypad
	codeEntry   string // what is typed on the credit-code keypad
	// credits are the slips the citizen chose to spend on the payment
	// about to start; creditFor is the screen they return to.
	credits   []engine.CreditSlip
	creditFor string
	pension   pensionState
	search    keyboardState
}

// menuItem is one choice in a group's menu: a document kind or a status
// kind.
type menuItem struct {
	key    string // catalogue key of its label
	doc    documents.Kind
	status status.Kind
}

// menus maps each Home group to its choices.
var menus = map[string][]menuItem{
	"svc.certificates": {
		{key: "doc.domicile", doc: documents.Domicile}, {key: "doc.caste", doc: documents.Caste},
		{key: "doc.marriage", doc: documents.Marriage}, {key: "doc.birth", doc: documents.Birth},
		{key: "doc.death", doc: documents.Death}, {key: "doc.police", doc: documents.PoliceCharacter},
		{key: "doc.minority", doc: documents.Minority}, {key: "doc.disability", doc: documents.Disability},
	},
	"svc.land": {
		{key: "doc.jamabandi", doc: documents.Jamabandi}, {key: "doc.naksha", doc: documents.Naksha},
		{key: "doc.girdawari", doc: documents.Girdawari},
	},
	"svc.exam": {
		{key: "doc.admit_card", doc: documents.AdmitCard}, {key: "status.exam", status: status.ExamResult},
	},
	"svc.aadhaar": {
		{key: "doc.aadhaar", doc: documents.AadhaarCard}, {key: "doc.jan_aadhaar", doc: documents.JanAadhaarCard},
	},
	"svc.status": {
		{key: "status.grievance", status: status.Grievance}, {key: "status.court", status: status.CourtCase},
		{key: "status.app", status: status.Application}, {key: "status.scheme", status: status.SchemeBeneficiary},
		{key: "status.exam", status: status.ExamResult},
	},
}

// flowScreens are the screens of this file, with their title and step.
func (a *app) flowScreen(screen string) (body fyne.CanvasObject, title string, step, steps int, back func(), ok bool) {
	switch screen {
	case "menu":
		return a.menuScreen(), a.t(a.flow.group), 1, 4, a.goHome, true
	case "statusopt":
		spec := a.statusSpec()
		return a.optionScreen(spec), a.t("flow.pick_option", a.pick(spec.OptionLabel, spec.OptionLabelHi)), 2, 4, func() { a.show("menu") }, true
	case "docref":
		spec := a.docSpec()
		return a.entryScreen(spec.Label, spec.LabelHi, spec.Pattern, spec.Example, spec.Keyboard == "alphanumeric", a.findDocument),
			a.t("ref.prompt", a.pick(spec.Label, spec.LabelHi)), 2, 4, func() { a.show("menu") }, true
	case "statusref":
		in := a.statusInput()
		backTo := "menu"
		if len(a.statusSpec().Options) > 0 {
			backTo = "statusopt"
		}
		return a.entryScreen(in.Label, in.LabelHi, in.Pattern, in.Example, in.Keyboard == status.Alphanumeric, a.lookupStatus),
			a.t("ref.prompt", a.pick(in.Label, in.LabelHi)), 3, 4, func() { a.show(backTo) }, true
	case "docshow":
		return a.documentScreen(), a.t("doc.title"), 3, 4, func() { a.show("docref") }, true
	case "statusshow":
		return a.statusScreen(), a.t("status.title"), 4, 4, func() { a.show("statusref") }, true
	case "search":
		return a.searchScreen(), a.t("search.title"), 0, 0, a.goHome, true
	case "creditcode":
		from := a.flow.creditFor
		return a.creditScreen(), a.t("credit.prompt"), 0, 0, func() { a.show(from) }, true
	}
	return a.pensionScreen(screen)
}

// pick returns the text in the current language.
func (a *app) pick(en, hi string) string {
	if a.lang == i18n.Hindi && hi != "" {
		return hi
	}
	return en
}

// openGroup shows the menu of a Home tile.
func (a *app) openGroup(group string) {
	a.beginIfNeeded()
	a.flow.group = group
	a.show("menu")
}

func (a *app) menuScreen() fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	for _, it := range menus[a.flow.group] {
		it := it
		hi, en := i18n.T(i18n.Hindi, it.key), i18n.T(i18n.English, it.key)
		lines := []string{hi, en}
		if a.lang == i18n.English {
			lines = []string{en, hi}
		}
		tiles = append(tiles, newTile(it.key, kt.Primary, kt.White, func() { a.touched(); a.choose(it) }, lines...).
			withSizes(30, 20).withNames(hi, en))
	}
	return container.NewGridWithColumns(min(4, max(2, len(tiles))), tiles...)
}

// unavailable tells the citizen the service cannot be had here, or not now.
func (a *app) unavailable(err error) {
	if errors.Is(err, engine.ErrServiceUnavailable) {
		a.notice = []string{a.t("svc.unavailable")}
	} else {
		a.notice = []string{a.t("err.gateway_down")}
	}
	a.render()
}

// choose opens a menu item, loading the back-end's reference specs first.
func (a *app) choose(it menuItem) {
	if a.busy {
		return
	}
	a.busy = true
	a.flow.entry, a.flow.option = "", ""
	a.async(func() func() {
		if it.doc != "" {
			specs, err := a.k.DocumentSpecs(context.Background())
			return func() {
				a.busy = false
				if err != nil {
					a.unavailable(err)
					return
				}
				a.flow.docSpecs, a.flow.docKind = specs, it.doc
				if a.docSpec().Kind == "" {
					a.unavailable(engine.ErrServiceUnavailable)
					return
				}
				a.show("docref")
			}
		}
		specs, err := a.k.StatusSpecs(context.Background())
		return func() {
			a.busy = false
			if err != nil {
				a.unavailable(err)
				return
			}
			a.flow.statusSpecs, a.flow.statusKind = specs, it.status
			spec := a.statusSpec()
			switch {
			case spec.Kind == "":
				a.unavailable(engine.ErrServiceUnavailable)
			case len(spec.Options) > 0:
				a.show("statusopt")
			default:
				a.show("statusref")
			}
		}
	})
}

func (a *app) docSpec() documents.RefSpec {
	for _, s := range a.flow.docSpecs {
		if s.Kind == a.flow.docKind {
			return s
		}
	}
	return documents.RefSpec{}
}

func (a *app) statusSpec() status.RefSpec {
	for _, s := range a.flow.statusSpecs {
		if s.Kind == a.flow.statusKind {
			return s
		}
	}
	return status.RefSpec{}
}

// statusInput is what to type for the chosen kind and option.
func (a *app) statusInput() status.Input {
	in, _ := a.statusSpec().Input(a.flow.option)
	return in
}

func (a *app) optionScreen(spec status.RefSpec) fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	for _, o := range spec.Options {
		o := o
		tiles = append(tiles, newTile("opt."+o.Code, kt.Primary, kt.White, func() {
			a.touched()
			a.flow.option, a.flow.entry = o.Code, ""
			a.show("statusref")
		}, a.pick(o.Name, o.NameHi)).withSizes(26).withNames(o.Code, o.Name, o.NameHi))
	}
	return container.NewGridWithColumns(min(3, max(1, len(tiles))), tiles...)
}

// maxEntry bounds what a reference keypad takes: no reference is longer,
// and an endless string must not grow the screen.
const maxEntry = 24

// entryScreen is a reference keypad: numeric, or capitals, digits and '-'
// for references like RJ-2026-CST-0042. The typed text and an example show
// on the left; submit runs when the citizen taps Find and the text matches
// pattern.
func (a *app) entryScreen(label, labelHi, pattern, example string, alpha bool, submit func(string)) fyne.CanvasObject {
	shown := a.flow.entry
	if shown == "" {
		shown = "_"
	}
	msg := a.message()
	msgColor := color.Color(kt.Danger)
	if a.busy {
		msg, msgColor = a.t("flow.finding"), kt.Primary
	}
	lines := []fyne.CanvasObject{text(a.pick(label, labelHi), 26, true, kt.Ink), text(shown, 46, true, kt.Primary)}
	if example != "" {
		lines = append(lines, text(a.t("flow.example", example), 22, false, kt.Ink))
	}
	lines = append(lines, text(msg, 24, true, msgColor))
	typeKey := func(k string) fyne.CanvasObject {
		return newTile("key."+k, kt.Primary, kt.White, func() {
			a.touched()
			if len(a.flow.entry) < maxEntry && !a.busy {
				a.flow.entry += k
			}
			a.setMessage("")
			a.render()
		}, k).withSizes(30)
	}
	var keys []fyne.CanvasObject
	cols := 3
	if alpha {
		cols = 8
		for _, r := range "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ" + punctuationOf(pattern) {
			keys = append(keys, typeKey(string(r)))
		}
	} else {
		for _, r := range "123456789" {
			keys = append(keys, typeKey(string(r)))
		}
	}
	clear := newTile("ref.clear", kt.Accent, kt.White, func() { a.touched(); a.flow.entry = ""; a.setMessage(""); a.render() }, a.t("ref.clear")).
		withSizes(22).withNames(i18n.Both("ref.clear")...)
	bksp := newTile("key.backspace", kt.Accent, kt.White, func() {
		a.touched()
		if n := len(a.flow.entry); n > 0 {
			a.flow.entry = a.flow.entry[:n-1] // ASCII only: one byte is one key
		}
		a.setMessage("")
		a.render()
	}, symBackspace+" "+a.t("ref.backspace")).withSizes(22).withNames(append(i18n.Both("ref.backspace"), "Backspace", symBackspace)...)
	if alpha {
		keys = append(keys, clear, bksp)
	} else {
		keys = append(keys, clear, typeKey("0"), bksp)
	}
	re, err := regexp.Compile(pattern)
	find := newTile("flow.find", kt.OK, kt.White, func() {
		a.touched()
		if a.busy {
			return
		}
		if err != nil || !re.MatchString(a.flow.entry) {
			if example != "" {
				a.setMessage("flow.invalid", example)
			} else {
				a.setMessage("flow.invalid_plain")
			}
			a.render()
			return
		}
		submit(a.flow.entry)
	}, a.t("flow.find")+" "+symNext).withSizes(34).withNames(append(i18n.Both("flow.find"), i18n.Both("nav.next")...)...)
	if alpha {
		// 38 keys need the width: the typed text and Find sit above them.
		head := container.NewGridWithColumns(2, container.NewVBox(lines...), container.New(&fixedHeight{h: 110}, find))
		return container.NewBorder(head, nil, nil, nil, container.NewGridWithColumns(cols, keys...))
	}
	left := container.NewBorder(nil, container.New(&fixedHeight{h: 110}, find), nil, nil, container.NewVBox(lines...))
	return container.NewGridWithColumns(2, left, container.NewGridWithColumns(cols, keys...))
}

// punctuationOf lists the separators a reference pattern uses ("-", "/",
// ":"), so the keypad offers exactly those besides letters and digits.
func punctuationOf(pattern string) string {
	var out string
	for _, r := range "-/:." {
		if strings.ContainsRune(pattern, r) && !(r == '.' && !strings.Contains(pattern, `\.`)) {
			out += string(r)
		}
	}
	if out == "" {
		out = "-"
	}
	return out
}

// lookupErr turns a back-end error into the message under the keypad.
func (a *app) lookupErr(err error) {
	switch {
	case errors.Is(err, documents.ErrNotFound), errors.Is(err, status.ErrNotFound):
		a.setMessage("flow.not_found")
	case errors.Is(err, documents.ErrNotReady):
		a.setMessage("flow.not_ready")
	case errors.Is(err, documents.ErrInvalidRef), errors.Is(err, status.ErrInvalidRef):
		a.setMessage("flow.invalid_plain")
	case errors.Is(err, engine.ErrServiceUnavailable):
		a.setMessage("svc.unavailable")
	default:
		a.setMessage("err.gateway_down")
	}
	a.render()
}

func (a *app) findDocument(ref string) {
	a.busy = true
	a.render()
	kind := a.flow.docKind
	a.async(func() func() {
		doc, err := a.k.FindDocument(context.Background(), kind, ref)
		return func() {
			a.busy = false
			if err != nil {
				a.lookupErr(err)
				return
			}
			a.flow.doc, a.flow.credits = doc, nil
			a.show("docshow")
		}
	})
}

func (a *app) lookupStatus(ref string) {
	a.busy = true
	a.render()
	kind, option := a.flow.statusKind, a.flow.option
	a.async(func() func() {
		res, err := a.k.LookupStatus(context.Background(), kind, ref, option)
		return func() {
			a.busy = false
			if err != nil {
				a.lookupErr(err)
				return
			}
			a.flow.result = &res
			a.show("statusshow")
		}
	})
}

// creditRows shows the slips chosen for the payment, and the total left.
func (a *app) creditRows(total money.Paise) []fyne.CanvasObject {
	var rows []fyne.CanvasObject
	var sum money.Paise
	for _, c := range a.flow.credits {
		rows = append(rows, a.row(a.t("credit.applied")+" "+c.Code[:6], "− "+fmtMoney(c.Amount), false))
		sum += c.Amount
	}
	if sum > 0 {
		left := total - sum
		if left < 0 {
			left = 0
		}
		rows = append(rows, a.row(a.t("cash.remaining"), fmtMoney(left), true))
	}
	return rows
}

// payTiles are "Pay by cash" and "Use a credit slip" for the screen from.
func (a *app) payTiles(from string, pay func()) fyne.CanvasObject {
	payTile := newTile("bill.pay_cash", kt.OK, kt.White, pay, a.t("bill.pay_cash")+" "+symNext).withSizes(34).withNames(i18n.Both("bill.pay_cash")...)
	credit := newTile("credit.use", kt.Accent, kt.White, func() {
		a.touched()
		a.flow.creditFor, a.flow.codeEntry = from, ""
		a.show("creditcode")
	}, a.t("credit.use")).withSizes(26).withNames(i18n.Both("credit.use")...)
	return container.NewGridWithRows(2, credit, payTile)
}

func (a *app) documentScreen() fyne.CanvasObject {
	d := a.flow.doc
	charge := a.k.DocumentCharge(d)
	rows := []fyne.CanvasObject{
		text(a.pick(d.Title, d.TitleHi), 30, true, kt.Ink),
		a.row(a.t("doc.holder"), d.Holder, false),
		a.row(a.t("doc.issued"), formatDate(d.IssuedOn), false),
		// An issuer's name is long: its own line under the label.
		text(a.t("doc.issuer"), 20, false, kt.Ink),
		text(d.Issuer, 24, false, kt.Ink),
		a.row(a.t("doc.pages"), fmt.Sprint(d.Pages), false),
		a.row(a.t("doc.fee"), fmtMoney(d.Fee), false),
		a.row(a.t("bill.charge"), fmtMoney(charge), false),
		a.row(a.t("bill.total"), fmtMoney(d.Fee+charge), true),
	}
	rows = append(rows, a.creditRows(d.Fee+charge)...)
	return container.NewGridWithColumns(2, container.NewVBox(rows...),
		container.NewBorder(nil, container.New(&fixedHeight{h: 220}, a.payTiles("docshow", a.startDocument)), nil, nil))
}

// creditCodes are the codes of the slips chosen for the next payment.
func (a *app) creditCodes() []string {
	var codes []string
	for _, c := range a.flow.credits {
		codes = append(codes, c.Code)
	}
	return codes
}

func (a *app) startDocument() {
	a.touched()
	if a.busy {
		return
	}
	a.busy = true
	doc, codes := a.flow.doc, a.creditCodes()
	a.async(func() func() {
		p, err := a.k.OrderDocument(context.Background(), doc, codes...)
		return a.paymentStarted(p, err)
	})
}

// paymentStarted moves to the cash screen once the engine took the
// payment (bill or document), or explains why it did not.
func (a *app) paymentStarted(p engine.CashPayment, err error) func() {
	var st engine.PaymentState
	if err == nil {
		st = p.State() // here, off the loop: the engine may be calling back
	}
	return func() {
		a.busy = false
		if err != nil {
			if key := creditErrKey(err); key != "" {
				a.notice = []string{a.t(key)}
				a.flow.credits = nil
				a.render()
				return
			}
			a.unavailable(err)
			return
		}
		a.flow.credits = nil
		a.pay, a.paySt = p, st
		a.show("cash")
		a.expectPay()
		go p.OnChange(func(s engine.PaymentState) { a.do(func() { a.payChanged(p, s) }) })
	}
}

func creditErrKey(err error) string {
	switch {
	case errors.Is(err, engine.ErrCreditFormat):
		return "err.credit_format"
	case errors.Is(err, engine.ErrCreditUnknown):
		return "err.credit_unknown"
	case errors.Is(err, engine.ErrCreditSpent):
		return "err.credit_spent"
	case errors.Is(err, engine.ErrCreditLocked):
		return "err.credit_locked"
	}
	return ""
}

func (a *app) statusScreen() fyne.CanvasObject {
	r := a.flow.result
	if r == nil {
		return canvas.NewRectangle(color.Transparent)
	}
	colour := color.Color(kt.Primary)
	switch r.Status.Code {
	case status.Rejected, status.Failed, status.Suspended, status.ActionNeeded, status.Withheld:
		colour = kt.Danger
	case status.Completed, status.Approved, status.Active, status.Passed:
		colour = kt.OK
	}
	left := []fyne.CanvasObject{
		text(a.pick(r.Title, r.TitleHi), 26, true, kt.Ink),
		text(a.pick(r.Status.Text, r.Status.TextHi), 28, true, colour),
		// Office names are long: label and name on lines of their own.
		text(a.t("status.office"), 20, false, kt.Ink),
		text(a.pick(r.Office.Name, r.Office.NameHi), 24, false, kt.Ink),
	}
	if r.Holder != "" {
		left = append(left, a.row(a.t("doc.holder"), r.Holder, false))
	}
	if r.NextDate != "" {
		left = append(left, a.row(a.t("status.next"), formatDate(r.NextDate), true))
	}
	for _, am := range r.Amounts {
		left = append(left, a.row(a.pick(am.Label, am.LabelHi), fmtMoney(am.Amount), false))
	}
	// The latest three steps: a screen is not a file; the slip prints all.
	right := []fyne.CanvasObject{text(a.t("status.history"), 24, true, kt.Ink)}
	evs := r.Timeline
	if len(evs) > 3 {
		evs = evs[len(evs)-3:]
	}
	for _, e := range evs {
		right = append(right, text(formatDate(e.Date)+"  "+a.pick(e.Text, e.TextHi), 20, false, kt.Ink))
	}
	print := newTile("status.print", kt.OK, kt.White, a.printStatus, a.t("status.print")).withSizes(30).withNames(i18n.Both("status.print")...)
	return container.NewGridWithColumns(2, container.NewVBox(left...),
		container.NewBorder(nil, container.New(&fixedHeight{h: 110}, print), nil, nil, container.NewVBox(right...)))
}

func (a *app) printStatus() {
	a.touched()
	if a.busy || a.flow.result == nil {
		return
	}
	a.busy = true
	res := *a.flow.result
	a.async(func() func() {
		err := a.k.PrintStatus(context.Background(), res)
		return func() {
			a.busy = false
			if err != nil {
				a.notice = []string{a.t("problem.printer-down")}
			} else {
				a.notice = []string{a.t("status.printed")}
			}
			a.render()
		}
	})
}

// creditScreen takes a credit slip's 12-digit code.
func (a *app) creditScreen() fyne.CanvasObject {
	code := a.flow.codeEntry + strings.Repeat("_", 12-len(a.flow.codeEntry))
	shown := code[:6] + " " + code[6:]
	display := container.NewVBox(text(shown, 52, true, kt.Primary), text(a.message(), 24, true, kt.Danger))
	digit := func(d string) fyne.CanvasObject {
		return newTile("key."+d, kt.Primary, kt.White, func() {
			a.touched()
			if len(a.flow.codeEntry) < 12 && !a.busy {
				a.flow.codeEntry += d
			}
			a.setMessage("")
			a.render()
		}, d).withSizes(40)
	}
	clear := newTile("ref.clear", kt.Accent, kt.White, func() { a.touched(); a.flow.codeEntry = ""; a.setMessage(""); a.render() }, a.t("ref.clear")).
		withSizes(26).withNames(i18n.Both("ref.clear")...)
	bksp := newTile("key.backspace", kt.Accent, kt.White, func() {
		a.touched()
		if n := len(a.flow.codeEntry); n > 0 {
			a.flow.codeEntry = a.flow.codeEntry[:n-1]
		}
		a.setMessage("")
		a.render()
	}, symBackspace+" "+a.t("ref.backspace")).withSizes(26).withNames(append(i18n.Both("ref.backspace"), "Backspace", symBackspace)...)
	pad := container.NewGridWithColumns(3, digit("1"), digit("2"), digit("3"), digit("4"), digit("5"), digit("6"),
		digit("7"), digit("8"), digit("9"), clear, digit("0"), bksp)
	apply := newTile("credit.apply", kt.OK, kt.White, a.applyCredit, a.t("credit.apply")+" "+symNext).withSizes(32).withNames(i18n.Both("credit.apply")...)
	left := container.NewBorder(nil, container.New(&fixedHeight{h: 110}, apply), nil, nil, display)
	return container.NewGridWithColumns(2, left, pad)
}

func (a *app) applyCredit() {
	a.touched()
	if a.busy {
		return
	}
	code := a.flow.codeEntry
	for _, c := range a.flow.credits {
		if c.Code == code {
			a.setMessage("err.credit_spent")
			a.render()
			return
		}
	}
	a.busy = true
	a.async(func() func() {
		c, err := a.k.LookupCredit(code)
		return func() {
			a.busy = false
			if err != nil {
				key := creditErrKey(err)
				if key == "" {
					key = "err.gateway_down"
				}
				a.setMessage(key)
				a.render()
				return
			}
			a.flow.credits = append(a.flow.credits, c)
			a.flow.codeEntry = ""
			a.show(a.flow.creditFor)
		}
	})
}
