package status

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Bounds on a Result: a printed slip stays a slip, and a back-end's
// runaway answer cannot feed the printer a metre of paper.
const (
	MaxEvents  = 40
	MaxAmounts = 24
	MaxDetails = 16
	MaxText    = 300 // characters of any one text
)

const dateLayout = "2006-01-02"

// validDate reports whether s is a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	t, err := time.Parse(dateLayout, s)
	return err == nil && t.Format(dateLayout) == s
}

// Validate reports whether r is an answer a kiosk may show and print: a
// known kind and status code, every text present in English and Hindi,
// real dates with the timeline in order, positive amounts, a masked
// holder, no Aadhaar number anywhere, and the bounds above. A back-end
// checks its data with it; a client checks every answer with it.
func (r Result) Validate() error {
	errf := func(format string, a ...any) error {
		return fmt.Errorf("status: result %s %q: "+format, append([]any{r.Kind, r.Ref}, a...)...)
	}
	switch {
	case !r.Kind.known():
		return errf("unknown kind")
	case r.Ref == "" || len(r.Ref) > MaxRefLen || r.Ref != NormalizeRef(r.Ref):
		return errf("the reference must be normalized and at most %d characters", MaxRefLen)
	case r.Option != "" && !optionCodeRE.MatchString(r.Option):
		return errf("bad option code %q", r.Option)
	case r.Title == "" || r.TitleHi == "":
		return errf("title required in English and Hindi")
	case r.Holder != "" && !IsMaskedName(r.Holder):
		return errf("holder name is not masked")
	case !r.Status.Code.known():
		return errf("unknown status code %q", r.Status.Code)
	case r.Status.Text == "" || r.Status.TextHi == "":
		return errf("status text required in English and Hindi")
	case r.Office.Name == "" || r.Office.NameHi == "":
		return errf("office required in English and Hindi")
	case len(r.Timeline) == 0 || len(r.Timeline) > MaxEvents:
		return errf("%d timeline events, want 1 to %d", len(r.Timeline), MaxEvents)
	case r.NextDate != "" && !validDate(r.NextDate):
		return errf("next date %q is not YYYY-MM-DD", r.NextDate)
	case len(r.Amounts) > MaxAmounts || len(r.Details) > MaxDetails:
		return errf("%d amounts and %d details, at most %d and %d", len(r.Amounts), len(r.Details), MaxAmounts, MaxDetails)
	}
	for i, e := range r.Timeline {
		switch {
		case !validDate(e.Date):
			return errf("event %d: date %q is not YYYY-MM-DD", i+1, e.Date)
		case i > 0 && e.Date < r.Timeline[i-1].Date:
			return errf("event %d (%s) is older than the one before it", i+1, e.Date)
		case e.Text == "" || e.TextHi == "":
			return errf("event %d: text required in English and Hindi", i+1)
		}
	}
	for i, a := range r.Amounts {
		if a.Label == "" || a.LabelHi == "" || !validDate(a.Date) || a.Amount <= 0 {
			return errf("amount %d: label in English and Hindi, a YYYY-MM-DD date and a positive amount required", i+1)
		}
	}
	for i, d := range r.Details {
		if d.Label == "" || d.LabelHi == "" || d.Value == "" {
			return errf("detail %d: label in English and Hindi and a value required", i+1)
		}
	}
	for _, s := range r.texts() {
		if utf8.RuneCountInString(s) > MaxText || !utf8.ValidString(s) {
			return errf("a text is longer than %d characters or not UTF-8", MaxText)
		}
		if ContainsAadhaar(s) {
			// Say where, never what: this message may reach a log.
			return errf("%w", errAadhaarInText)
		}
	}
	return nil
}

// errAadhaarInText is wrapped by Validate for a text carrying an Aadhaar
// number, so tests can tell that refusal from the others.
var errAadhaarInText = errors.New("a text carries what may be an Aadhaar number")

// texts lists every text of r, for the checks that apply to all of them.
func (r Result) texts() []string {
	out := []string{r.Ref, r.Option, r.Title, r.TitleHi, r.Holder, r.Status.Text, r.Status.TextHi, r.Office.Name, r.Office.NameHi}
	for _, e := range r.Timeline {
		out = append(out, e.Text, e.TextHi)
	}
	for _, a := range r.Amounts {
		out = append(out, a.Label, a.LabelHi)
	}
	for _, d := range r.Details {
		out = append(out, d.Label, d.LabelHi, d.Value, d.ValueHi)
	}
	return out
}

// Line is one printable line of a status slip: "Status / स्थिति   Value".
// ValueHi is empty when the value reads the same in both languages.
type Line struct {
	Label, LabelHi string
	Value, ValueHi string
}

// showDate writes a YYYY-MM-DD date the Indian way, DD-MM-YYYY.
func showDate(s string) string {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return s
	}
	return t.Format("02-01-2006")
}

// Lines lays r out as the labelled lines of a printed status slip, in
// reading order: what it is, whose, where it stands, who handles it, the
// next date, the kind's details, the money, then the history oldest first
// with each event's date as its label. The engine journals the slip's
// print-intent and prints these lines; a printed slip is a copy of the
// answer, so Lines adds nothing the answer does not hold.
func (r Result) Lines() []Line {
	lines := []Line{
		{"Matter", "विषय", r.Title, r.TitleHi},
		{refLabel[r.Kind][0], refLabel[r.Kind][1], r.Ref, ""},
	}
	if r.Option != "" {
		lines = append(lines, Line{"Scheme / exam", "योजना / परीक्षा", r.Option, ""})
	}
	if r.Holder != "" {
		lines = append(lines, Line{"Name", "नाम", r.Holder, ""})
	}
	lines = append(lines,
		Line{"Status", "स्थिति", r.Status.Text, r.Status.TextHi},
		Line{"Office", "कार्यालय", r.Office.Name, r.Office.NameHi})
	if r.NextDate != "" {
		if r.Kind == CourtCase {
			lines = append(lines, Line{"Next hearing", "अगली सुनवाई", showDate(r.NextDate), ""})
		} else {
			lines = append(lines, Line{"Next date", "अगली तिथि", showDate(r.NextDate), ""})
		}
	}
	for _, d := range r.Details {
		lines = append(lines, Line{d.Label, d.LabelHi, d.Value, d.ValueHi})
	}
	for _, a := range r.Amounts {
		v := a.Amount.String() + " (" + showDate(a.Date) + ")"
		lines = append(lines, Line{a.Label, a.LabelHi, v, ""})
	}
	for _, e := range r.Timeline {
		lines = append(lines, Line{showDate(e.Date), "", e.Text, e.TextHi})
	}
	return lines
}

// refLabel names each kind's reference on a slip.
var refLabel = map[Kind][2]string{
	Grievance:         {"Grievance no.", "शिकायत संख्या"},
	CourtCase:         {"CNR no.", "सीएनआर संख्या"},
	Application:       {"Application no.", "आवेदन संख्या"},
	SchemeBeneficiary: {"Beneficiary id", "लाभार्थी पहचान"},
	ExamResult:        {"Roll no.", "अनुक्रमांक"},
}
