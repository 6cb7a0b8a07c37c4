package ui

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/billpay"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// Options configures Run.
type Options struct {
	Kiosk  engine.Kiosk
	Screen Screen
	// Input delivers touches and keys; nil for a kiosk driven only through
	// the automation endpoint.
	Input <-chan InputEvent
	// Lang is the language a session starts in: "hi" (default) or "en".
	Lang string
	// AutomationAddr, when set, serves the automation endpoint there.
	AutomationAddr  string
	AutomationToken string
	// IdleTimeout ends an idle session after a warning (default 60 s).
	IdleTimeout time.Duration
	// WarnFor is how long the idle warning shows (default 20 s, WCAG 2.2.1).
	WarnFor time.Duration
	// DoneAfter returns to Home from an outcome screen (default 15 s).
	DoneAfter time.Duration
	// OnFirstFrame runs once the first frame was presented.
	OnFirstFrame func()
	// OnAutomation receives the automation endpoint's address once listening.
	OnAutomation func(addr string)
	Log          *log.Logger
}

// app is the running UI. Its fields are touched only on the Fyne event
// loop, except those under mu, which the automation endpoint reads.
type app struct {
	opts Options
	k    engine.Kiosk
	d    *driver
	win  fyne.Window

	lang     i18n.Lang
	category billpay.Category
	billers  []billpay.Biller
	biller   billpay.Biller
	ref      string
	busy     bool
	bill     billpay.Bill
	pay      engine.CashPayment
	paySt    engine.PaymentState
	notice   []string // modal notice lines; empty = none
	idleWarn int      // seconds left in the idle warning; 0 = none
	gen      int      // bumps on every navigation, so stale async results are dropped
	lastUse  time.Time

	mu        sync.Mutex
	screen    string
	message   string
	tiles     []tileRef
	labels    []string
	shownLang i18n.Lang
	// shownScreen is the screen whose tiles are registered: /state reports
	// it, so a client never sees a new screen name with the old buttons.
	shownScreen string
}

// Run shows the kiosk UI on opts.Screen until ctx ends. Fyne allows one app
// per process, so Run is called once.
func Run(ctx context.Context, opts Options) error {
	if opts.Kiosk == nil || opts.Screen == nil {
		return errors.New("ui: Kiosk and Screen are required")
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 60 * time.Second
	}
	if opts.WarnFor == 0 {
		opts.WarnFor = 20 * time.Second
	}
	if opts.DoneAfter == 0 {
		opts.DoneAfter = 15 * time.Second
	}
	if opts.Log == nil {
		opts.Log = log.New(os.Stderr, "ui: ", log.LstdFlags)
	}
	a := &app{opts: opts, k: opts.Kiosk, d: newDriver(opts.Screen), lang: i18n.Hindi, lastUse: time.Now()}
	if opts.Lang == "en" {
		a.lang = i18n.English
	}
	a.d.onFirst = opts.OnFirstFrame
	// Fyne parses $LANG for its own (unused) translations and logs an error
	// on the "C" locale of a bare kiosk; the UI's language is its own.
	if l := os.Getenv("LANG"); l == "" || l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.") {
		os.Setenv("LANG", "en_IN.UTF-8")
	}
	fa := fyneapp.NewWithID("in.gov.rajasthan.emitra.kiosk")
	fyneapp.SetDriverDetails(fa, a.d)
	// SetDriverDetails resets the theme; ours goes after it.
	fa.Settings().SetTheme(kt.Kiosk{})
	a.win = fa.NewWindow("Mitra")
	a.win.SetPadded(false)
	if rec := a.k.Recovered(); len(rec) > 0 {
		a.notice = []string{a.t("recovered.title")}
		for _, o := range rec {
			a.notice = append(a.notice, o.Summary)
		}
	}
	a.show("home")

	if opts.AutomationAddr != "" {
		if err := a.serveAutomation(ctx, opts.AutomationAddr, opts.AutomationToken); err != nil {
			return err
		}
	}
	go a.forwardInput(ctx)
	go a.idleLoop(ctx)
	go func() {
		<-ctx.Done()
		fyne.Do(fa.Quit)
		a.d.repaint()
	}()
	a.win.ShowAndRun()
	return nil
}

// forwardInput turns backend events into the driver's events, dropping
// touch moves under 4 px (each move costs a full repaint in the embedded
// driver, and a kiosk has nothing to drag).
func (a *app) forwardInput(ctx context.Context) {
	if a.opts.Input == nil {
		return
	}
	var downX, downY float32
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-a.opts.Input:
			if !ok {
				return
			}
			switch ev.Kind {
			case TouchDown:
				downX, downY = ev.X, ev.Y
				a.d.queue <- touchDown(ev.X, ev.Y)
			case TouchMove:
				if abs(ev.X-downX) < 4 && abs(ev.Y-downY) < 4 {
					continue
				}
				a.d.queue <- touchMove(ev.X, ev.Y)
			case TouchUp:
				a.d.queue <- touchUp(ev.X, ev.Y)
			case KeyDown:
				a.d.queue <- keyDown(ev.Key)
			}
		}
	}
}

func abs(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// do runs f on the Fyne loop and then forces a repaint, which the embedded
// driver does not do after fyne.Do.
func (a *app) do(f func()) {
	fyne.Do(f)
	a.d.repaint()
}

// async runs work off the loop and applies its result on the loop, unless
// the citizen navigated away meanwhile.
func (a *app) async(work func() func()) {
	gen := a.gen
	go func() {
		apply := work()
		a.do(func() {
			if gen == a.gen {
				apply()
			}
		})
	}()
}

func (a *app) t(key string, args ...any) string { return i18n.T(a.lang, key, args...) }

// show navigates to a screen.
func (a *app) show(screen string) {
	a.gen++
	a.mu.Lock()
	a.screen, a.message = screen, ""
	a.mu.Unlock()
	a.render()
}

func (a *app) setMessage(m string) {
	a.mu.Lock()
	a.message = m
	a.mu.Unlock()
}

// goHome ends the session: nothing of this citizen stays in the UI.
func (a *app) goHome() {
	a.k.EndSession()
	a.category, a.billers, a.biller, a.ref, a.busy = "", nil, billpay.Biller{}, "", false
	a.bill, a.pay, a.paySt, a.idleWarn = billpay.Bill{}, nil, engine.PaymentState{}, 0
	a.show("home")
}

func (a *app) beginIfNeeded() {
	if a.k.Snapshot().SessionID == "" {
		a.k.BeginSession()
	}
}

// touched records activity for the idle timer.
func (a *app) touched() { a.lastUse = time.Now(); a.idleWarn = 0 }

// idleLoop warns after IdleTimeout without a touch and ends the session
// WarnFor later. A payment in progress is cancelled, not abandoned: the
// engine returns the escrowed note or issues a credit slip.
func (a *app) idleLoop(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		a.do(func() {
			a.mu.Lock()
			screen := a.screen
			a.mu.Unlock()
			if screen == "home" {
				return
			}
			if a.pay != nil && !a.paySt.Phase.Final() && a.paySt.Phase != engine.PhaseInserting && a.paySt.Phase != engine.PhaseOverpay {
				return // posting or printing: never interrupt
			}
			idle := time.Since(a.lastUse)
			switch {
			case idle < a.opts.IdleTimeout:
				if a.idleWarn != 0 {
					a.idleWarn = 0
					a.render()
				}
			case idle < a.opts.IdleTimeout+a.opts.WarnFor:
				a.idleWarn = int((a.opts.IdleTimeout + a.opts.WarnFor - idle).Seconds())
				a.render()
			default:
				a.idleWarn = 0
				if a.pay != nil && !a.paySt.Phase.Final() {
					a.pay.Cancel()
					return
				}
				a.goHome()
			}
		})
	}
}

// errMessage maps a back-end error to the citizen's message.
func (a *app) errMessage(err error) string {
	n := a.refDigits()
	switch {
	case errors.Is(err, billpay.ErrInvalidRef):
		return a.t("err.invalid_ref", n)
	case errors.Is(err, billpay.ErrNoBill):
		return a.t("err.no_bill")
	case errors.Is(err, billpay.ErrUnknownBiller):
		return a.t("err.unknown_biller")
	}
	return a.t("err.gateway_down")
}

// refDigits is the length the biller's pattern asks for ("^[0-9]{12}$").
func (a *app) refDigits() int {
	var n int
	if _, err := fmt.Sscanf(strings.TrimPrefix(a.biller.RefPattern, "^[0-9]{"), "%d", &n); err == nil {
		return n
	}
	return 12
}

func (a *app) billerName(b billpay.Biller) string {
	if a.lang == i18n.Hindi && b.NameHi != "" {
		return b.NameHi
	}
	return b.Name
}

func (a *app) refLabel() string {
	if a.lang == i18n.Hindi && a.biller.RefLabelHi != "" {
		return a.biller.RefLabelHi
	}
	return a.biller.RefLabel
}

// fmtMoney formats an amount; both languages use Indian grouping.
func fmtMoney(p money.Paise) string { return money.Format(p) }
