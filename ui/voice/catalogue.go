package voice

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/mitra-kiosk/mitra/ui/i18n"
)

// Prompt is one spoken instruction: the catalogue texts of Keys, spoken in
// order as sentences of one utterance. Prompts speak only messages without
// format verbs: a recording cannot say a citizen's amount or number.
type Prompt struct {
	Keys []string
}

// ID names the prompt: its keys joined by "+", e.g.
// "attract.title+attract.start". Speaker.Say takes it.
func (p Prompt) ID() string { return strings.Join(p.Keys, "+") }

// Text is what the prompt says in lang: the catalogue messages, each ended
// as a sentence (with "।" in Hindi, "." in English) so that espeak-ng
// pauses between them.
func (p Prompt) Text(lang i18n.Lang) string {
	var b strings.Builder
	for i, k := range p.Keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		t := strings.TrimSpace(i18n.T(lang, k))
		b.WriteString(t)
		if i < len(p.Keys)-1 && !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "?") &&
			!strings.HasSuffix(t, "!") && !strings.HasSuffix(t, "।") && !strings.HasSuffix(t, "…") {
			if lang == i18n.Hindi {
				b.WriteString("।")
			} else {
				b.WriteByte('.')
			}
		}
	}
	return b.String()
}

// Spoken is Text(lang) as the synthesiser is given it: symbols a reader
// understands but espeak-ng reads out wrongly are spelt out. espeak-ng says
// "slash" for "/" (in English, even inside Hindi), skips "₹" in Hindi and
// says "rupee ten" for "₹10" in English.
func (p Prompt) Spoken(lang i18n.Lang) string { return spoken(lang, p.Text(lang)) }

var rupees = regexp.MustCompile(`₹\s*([0-9]+(?:,[0-9]+)*)`)

func spoken(lang i18n.Lang, text string) string {
	or, rs := " or ", "$1 rupees"
	if lang == i18n.Hindi {
		or, rs = " या ", "$1 रुपये"
	}
	text = rupees.ReplaceAllString(text, rs)
	return strings.ReplaceAll(text, "/", or)
}

func prompt(keys ...string) Prompt { return Prompt{Keys: keys} }

// Screens maps each citizen screen of ui (the screen ids of ui.app.show
// and the engine phases of the outcome screens) to the prompt said when it
// appears. The prompt is the screen's instruction, not its title: what to
// do next, the way a clerk at the counter would say it.
var Screens = map[string]Prompt{
	"attract":      prompt("attract.title", "attract.start"),
	"home":         prompt("home.prompt"),
	"menu":         prompt("home.prompt"), // a service group's list: the title names the group
	"search":       prompt("search.title"),
	"bills":        prompt("bills.prompt"),
	"biller":       prompt("biller.prompt"),
	"bill":         prompt("bill.title", "bill.pay_cash"),
	"cash":         prompt("cash.title", "cash.hint"),
	"creditcode":   prompt("credit.prompt"),
	"knumber":      prompt("spoken.type_number"),
	"docref":       prompt("spoken.type_number"),
	"statusref":    prompt("spoken.type_number"),
	"statusopt":    prompt("spoken.choose"),
	"docshow":      prompt("doc.title", "bill.pay_cash"),
	"statusshow":   prompt("status.title", "status.print"),
	"pensionref":   prompt("pension.prompt"),
	"pensioner":    prompt("pension.due", "pension.verify"),
	"pensiondone":  prompt("pension.ok", "pension.slip"),
	"done":         prompt("done.thanks"),
	"cancelled":    prompt("cancelled.title", "cancelled.nothing"),
	"credited":     prompt("credited.title", "pension.slip"),
	"acknowledged": prompt("ack.title", "pension.slip"),
}

// Unvoiced lists the citizen screens without a prompt, and why. Empty:
// the screens whose title names a per-service field ("Enter your %s")
// speak a generic instruction (spoken.* keys) instead.
var Unvoiced = map[string]string{}

// Events are the prompts for things that happen on a screen rather than
// screens: a warning, a device problem, a lookup's answer. The UI says
// them by ID (the key for single-key prompts) when it shows the message.
var Events = []Prompt{
	prompt("idle.title"),    // the timeout warning
	prompt("overpay.title"), // a note larger than the amount due
	prompt("problem.note-rejected"),
	prompt("problem.acceptor-down"),
	prompt("problem.printer-down"),
	prompt("problem.gateway-down"),
	prompt("problem.payment-failed"),
	prompt("done.thanks", "doc.take"), // done, for a document
	prompt("status.printed"),
	prompt("pension.place"), // the fingerprint scanner is waiting
	prompt("pension.no_match"),
	prompt("pension.bad"),
	prompt("pension.timeout"),
	prompt("pension.scanner"),
	prompt("pension.already"),
	prompt("pension.not_sent"),
	prompt("err.no_bill"),
	prompt("err.gateway_down"),
	prompt("flow.not_found"),
	prompt("flow.not_ready"),
	prompt("flow.invalid_plain"),
	prompt("svc.unavailable"),
	prompt("cat.none"),
	prompt("err.credit_format"),
	prompt("err.credit_unknown"),
	prompt("err.credit_spent"),
	prompt("err.credit_locked"),
}

// Voices are the espeak-ng voices the prompts were made with.
var Voices = map[i18n.Lang]string{i18n.Hindi: "hi", i18n.English: "en-gb"}

// All returns every prompt once, screens first (sorted by screen), then
// events, in the order the generator makes them.
func All() []Prompt {
	var out []Prompt
	seen := map[string]bool{}
	add := func(p Prompt) {
		if !seen[p.ID()] {
			seen[p.ID()] = true
			out = append(out, p)
		}
	}
	for _, s := range sortedScreens() {
		add(Screens[s])
	}
	for _, p := range Events {
		add(p)
	}
	return out
}

func sortedScreens() []string { return slices.Sorted(maps.Keys(Screens)) }
