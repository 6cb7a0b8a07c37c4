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
	// TechnicianPINHash (config.HashPIN) opens the technician menu after
	// the hidden gesture; empty: no menu.
	TechnicianPINHash string
	// GestureWindow is the time the five taps must fit in (default 3 s).
	GestureWindow time.Duration
	// KioskName and OpeningHours are shown on the attract screen.
	KioskName    string
	OpeningHours string
	// Voice speaks each screen's prompt; nil for a kiosk without sound
	// (the options panel then says so). VoiceOn is whether a session
	// starts with the prompts on.
	Voice   Voice
	VoiceOn bool
	// LargeText and HighContrast are how a session starts; a citizen
	// changes them from the options button on every screen.
	LargeText    bool
	HighContrast bool
	// UpdateFromUSB, when set, gives the technician menu an "Update from
	// USB stick" button: it installs the signed bundle on a plugged-in
	// stick and returns the update service's report (the kiosk reboots).
	UpdateFromUSB func(ctx context.Context) (string, error)
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
	ctx  context.Context // Run's; ends the app's timers
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
	flow     flowState // documents, status, credit slips (flows.go)
	tech     techState // the technician menu (technician.go)
	acc      access    // large text, high contrast, spoken prompts (access.go)
	secret   secretGesture
	pay      engine.CashPayment
	paySt    engine.PaymentState
	notice   []string // modal notice lines; empty = none
	// recovered are the start-up outcomes still to be acknowledged by the
	// first citizen; shown in the current language, so kept as outcomes.
	recovered []engine.Outcome
	payWaits  int // expectPay calls not yet answered by a settled payment state
	idleWarn  int // seconds left in the idle warning; 0 = none
	gen       int // bumps on every navigation, so stale async results are dropped
	renders   int // bumps on every render, so do knows whether to repaint
	lastUse   time.Time
	cur       string // the screen shown (loop only; published as screen)
	msg       []any  // the message under the keypad: catalogue key, args (loop only)

	// Published by register after every render, for the automation
	// endpoint, so that a reader sees a screen id and its labels together.
	mu        sync.Mutex
	screen    string
	shownMsg  string
	tiles     []tileRef
	labels    []string
	shownLang i18n.Lang
}

// Run shows the kiosk UI on opts.Screen until ctx ends. Fyne allows one app
// per process, so Run is called once.
func Run(ctx context.Context, opts Options) error { return run(ctx, opts, nil) }

// run is Run with a hook that sees the app before it starts (for tests).
func run(ctx context.Context, opts Options, hook func(*app)) error {
	if opts.Kiosk == nil || opts.Screen == nil {
		return errors.New("ui: Kiosk and Screen are required")
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 60 * time.Second
	}
	if opts.WarnFor == 0 {
		opts.WarnFor = 20 * time.Second
	}
	if opts.GestureWindow == 0 {
		opts.GestureWindow = secretWindow
	}
	if opts.DoneAfter == 0 {
		opts.DoneAfter = 15 * time.Second
	}
	if opts.Log == nil {
		opts.Log = log.New(os.Stderr, "ui: ", log.LstdFlags)
	}
	a := &app{ctx: ctx, opts: opts, k: opts.Kiosk, d: newDriver(opts.Screen), lang: i18n.Hindi, lastUse: time.Now()}
	if opts.Lang == "en" {
		a.lang = i18n.English
	}
	a.d.onFirst = opts.OnFirstFrame
	a.resetAccess()
	// Fyne parses $LANG for its own (unused) translations and logs an error
	// on the "C" locale of a bare kiosk; the UI's language is its own.
	if l := os.Getenv("LANG"); l == "" || l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.") {
		os.Setenv("LANG", "en_IN.UTF-8")
	}
	if hook != nil {
		hook(a)
	}
	fa := fyneapp.NewWithID("in.gov.rajasthan.emitra.kiosk")
	fyneapp.SetDriverDetails(fa, a.d)
	// SetDriverDetails resets the theme; ours goes after it.
	fa.Settings().SetTheme(kt.Kiosk{})
	a.win = fa.NewWindow("Mitra")
	a.win.SetPadded(false)
	// No widget ever has focus, so every key event reaches this handler;
	// it is how the automation endpoint's barriers are seen.
	a.win.Canvas().SetOnTypedKey(a.d.typedKey)
	a.d.onKey = a.technicianKey
	a.win.Canvas().SetOnTypedRune(a.technicianRune)
	a.d.presentErr = func(err error) { opts.Log.Printf("present: %v", err) }
	a.recovered = a.k.Recovered()
	// Idle, the kiosk invites; after a power cut with money to explain,
	// the citizen who may be standing there sees Home and the outcome.
	if len(a.recovered) > 0 {
		a.show("home")
	} else {
		a.show("attract")
	}

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
				a.touchedAt(ev.X, ev.Y)
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
			case Rune:
				a.d.queue <- typedRune(ev.Rune)
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

// do runs f on the Fyne loop from another goroutine. When f changed the
// screen it asks the driver for a frame (a no-op with the patched Fyne,
// which repaints after fyne.Do by itself; see driver.repaint).
func (a *app) do(f func()) {
	if a.ctx.Err() != nil {
		return // the loop has ended (or is ending): nobody would run f
	}
	fyne.Do(func() {
		before := a.renders
		f()
		if a.renders != before {
			a.d.repaint()
		}
	})
}

// async runs work off the loop and applies its result on the loop, unless
// the citizen navigated away meanwhile. The automation endpoint waits for
// outstanding work before it answers.
func (a *app) async(work func() func()) {
	gen := a.gen
	a.d.begin()
	go func() {
		apply := work()
		a.do(func() {
			defer a.d.end()
			if gen == a.gen {
				apply()
			}
		})
	}()
}

// payTimeout bounds how long the automation endpoint waits for the engine
// to answer a payment action.
const payTimeout = 10 * time.Second

// expectPay marks that an action on the payment (a note, Cancel, an overpay
// decision) will be answered by a state change; the automation endpoint
// waits for it. Called on the loop.
func (a *app) expectPay() {
	a.payWaits++
	a.d.begin()
	p := a.pay
	a.after(payTimeout, func() {
		if a.pay == p && a.payWaits > 0 {
			a.opts.Log.Printf("payment did not answer within %v", payTimeout)
			a.releasePay()
		}
	})
}

// after runs f on the loop after d, unless Run has ended by then.
func (a *app) after(d time.Duration, f func()) {
	go func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-a.ctx.Done():
		case <-t.C:
			a.do(f)
		}
	}()
}

// releasePay answers every outstanding expectPay.
func (a *app) releasePay() {
	for ; a.payWaits > 0; a.payWaits-- {
		a.d.end()
	}
}

// offLoop runs a call into the engine on its own goroutine: the engine
// calls OnChange callbacks, which hop onto the loop, from its goroutines,
// so the loop must never wait for the engine.
func offLoop(f func()) { go f() }

func (a *app) t(key string, args ...any) string { return i18n.T(a.lang, key, args...) }

// show navigates to a screen.
func (a *app) show(screen string) {
	a.gen++
	a.cur, a.msg = screen, nil
	a.render()
}

// setMessage sets the message under the keypad as a catalogue key, so a
// language switch translates it too; "" clears it.
func (a *app) setMessage(key string, args ...any) {
	a.msg = nil
	if key != "" {
		a.msg = append([]any{key}, args...)
	}
}

// message is the current message in the current language.
func (a *app) message() string {
	if len(a.msg) == 0 {
		return ""
	}
	return a.t(a.msg[0].(string), a.msg[1:]...)
}

// goHome ends the session: nothing of this citizen stays in the UI. Home
// then waits a full idle timeout for the next citizen before the attract
// screen returns.
func (a *app) goHome() {
	a.lastUse = time.Now()
	a.k.EndSession()
	a.category, a.billers, a.biller, a.ref, a.busy = "", nil, billpay.Biller{}, "", false
	a.bill, a.pay, a.paySt, a.idleWarn = billpay.Bill{}, nil, engine.PaymentState{}, 0
	a.flow = flowState{}
	a.resetAccess()
	a.releasePay()
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
			switch a.cur {
			case "attract":
				return
			case "home":
				// Nobody's data is on Home; idle there, invite again.
				if time.Since(a.lastUse) >= a.opts.IdleTimeout && len(a.notice) == 0 && len(a.recovered) == 0 {
					a.goHome()
					a.show("attract")
				}
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
					offLoop(a.pay.Cancel)
					return
				}
				a.goHome()
				a.show("attract")
			}
		})
	}
}

// errMessage maps a back-end error to the citizen's message (a catalogue
// key and its arguments). Anything unexpected is reported as the service
// being unreachable: the citizen can only retry later, and nothing was
// charged before a bill was shown.
func (a *app) errMessage(err error) []any {
	switch {
	case errors.Is(err, billpay.ErrInvalidRef):
		return []any{"err.invalid_ref", a.refDigits()}
	case errors.Is(err, billpay.ErrNoBill):
		return []any{"err.no_bill"}
	case errors.Is(err, billpay.ErrUnknownBiller):
		return []any{"err.unknown_biller"}
	}
	return []any{"err.gateway_down"}
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

// compact reports a small screen (the Pi's 7" 800×480): screens with much
// to show use smaller figures there.
func (a *app) compact() bool { return a.d.screen.Size().Y < 600 }

// fmtMoney formats an amount; both languages use Indian grouping.
func fmtMoney(p money.Paise) string { return money.Format(p) }
