package status

import (
	"context"
	"errors"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Kind is a kind of matter whose status the kiosk can look up.
type Kind string

const (
	Grievance         Kind = "grievance"          // राजस्थान संपर्क शिकायत
	CourtCase         Kind = "court-case"         // न्यायालय प्रकरण (CNR)
	Application       Kind = "application"        // ई-मित्र आवेदन
	SchemeBeneficiary Kind = "scheme-beneficiary" // योजना लाभार्थी
	ExamResult        Kind = "exam-result"        // परीक्षा परिणाम
)

// Kinds lists every kind, in the order the kiosk shows them.
var Kinds = []Kind{Grievance, CourtCase, Application, SchemeBeneficiary, ExamResult}

// known reports whether k is one of Kinds.
func (k Kind) known() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Code is a status's stable code: the UI colours and the engine branches on
// it, never on the text, which the back-end words freely.
type Code string

const (
	Registered   Code = "REGISTERED"    // received, nobody has acted yet
	InProgress   Code = "IN_PROGRESS"   // being handled; a court case pending
	ActionNeeded Code = "ACTION_NEEDED" // the citizen must act: documents, e-KYC, a hearing to attend
	Approved     Code = "APPROVED"      // sanctioned, not yet delivered
	Rejected     Code = "REJECTED"      // refused; the text says why
	Completed    Code = "COMPLETED"     // grievance disposed, certificate issued, case decided
	Active       Code = "ACTIVE"        // a beneficiary receiving the benefit
	Suspended    Code = "SUSPENDED"     // a benefit stopped (verification lapsed, …)
	Passed       Code = "PASSED"        // result declared: passed or qualified
	Failed       Code = "FAILED"        // result declared: not passed
	Withheld     Code = "WITHHELD"      // result withheld
)

// Codes lists every status code.
var Codes = []Code{Registered, InProgress, ActionNeeded, Approved, Rejected, Completed, Active, Suspended, Passed, Failed, Withheld}

func (c Code) known() bool {
	for _, x := range Codes {
		if c == x {
			return true
		}
	}
	return false
}

// Keyboard is the keypad the UI offers for a reference.
type Keyboard string

const (
	Numeric      Keyboard = "numeric"
	Alphanumeric Keyboard = "alphanumeric" // capital letters, digits and '-'
)

// RefSpec says what the citizen types, and for some kinds picks, to look up
// a kind of matter.
type RefSpec struct {
	Kind    Kind   `json:"kind"`
	Title   string `json:"title"`    // the kind on the menu: "Grievance (Rajasthan Sampark)"
	TitleHi string `json:"title_hi"` // "शिकायत (राजस्थान संपर्क)"
	Label   string `json:"label"`    // what to type: "Grievance number"
	LabelHi string `json:"label_hi"` // "शिकायत संख्या"
	// Pattern is the regular expression a normalized reference must match
	// in full (anchored with ^ and $).
	Pattern  string   `json:"pattern"`
	Keyboard Keyboard `json:"keyboard"`
	// Example is a well-formed reference, shown greyed in the empty field.
	Example string `json:"example"`
	// OptionLabel names what must be picked before typing ("Scheme",
	// "Exam"); empty when the kind has no Options.
	OptionLabel   string   `json:"option_label,omitempty"`
	OptionLabelHi string   `json:"option_label_hi,omitempty"`
	Options       []Option `json:"options,omitempty"`
}

// Option is one scheme or exam of a kind. Its Label, Pattern, Keyboard and
// Example, when set, replace the spec's for references under this option.
type Option struct {
	Code     string   `json:"code"`    // "PM-KISAN", "RBSE-10-2026"
	Name     string   `json:"name"`    // "PM-Kisan Samman Nidhi"
	NameHi   string   `json:"name_hi"` // "पीएम किसान सम्मान निधि"
	Label    string   `json:"label,omitempty"`
	LabelHi  string   `json:"label_hi,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	Keyboard Keyboard `json:"keyboard,omitempty"`
	Example  string   `json:"example,omitempty"`
}

// Text is a status as the back-end words it, with its stable code.
type Text struct {
	Code   Code   `json:"code"`
	Text   string `json:"text"`    // "Forwarded to Assistant Engineer, JVVNL Sanganer"
	TextHi string `json:"text_hi"` // "सहायक अभियंता, जेवीवीएनएल सांगानेर को भेजी गई"
}

// Office is the office handling the matter.
type Office struct {
	Name   string `json:"name"`    // "Tehsildar, Sanganer"
	NameHi string `json:"name_hi"` // "तहसीलदार, सांगानेर"
}

// Event is one dated step of the matter's history.
type Event struct {
	Date   string `json:"date"` // YYYY-MM-DD
	Text   string `json:"text"`
	TextHi string `json:"text_hi"`
}

// Amount is money paid or sanctioned: a pension instalment, a
// scholarship, a fee.
type Amount struct {
	Label   string      `json:"label"`    // "Pension for March 2026"
	LabelHi string      `json:"label_hi"` // "पेंशन मार्च 2026"
	Date    string      `json:"date"`     // YYYY-MM-DD, when it was paid
	Amount  money.Paise `json:"amount"`
}

// Detail is one more labelled fact of a kind: a court's name, an exam's
// marks, a masked bank account. ValueHi is empty when the value reads the
// same in both languages (a number, a code).
type Detail struct {
	Label   string `json:"label"`
	LabelHi string `json:"label_hi"`
	Value   string `json:"value"`
	ValueHi string `json:"value_hi,omitempty"`
}

// Result is the status of one matter.
type Result struct {
	Kind   Kind   `json:"kind"`
	Option string `json:"option,omitempty"` // the scheme or exam code looked up under
	// Ref is the reference as it may be shown and printed: the normalized
	// reference, or PrintedRef's masked form of a personal identifier.
	Ref     string `json:"ref"`
	Title   string `json:"title"` // "Street light not working, ward 23, Sanganer"
	TitleHi string `json:"title_hi"`
	// Holder is the complainant, applicant, beneficiary, petitioner or
	// candidate, masked (see IsMaskedName); empty when not shown.
	Holder string `json:"holder,omitempty"`
	Status Text   `json:"status"`
	Office Office `json:"office"`
	// Timeline is the history, oldest first; it has at least one event.
	Timeline []Event `json:"timeline"`
	// NextDate is the next hearing of a court case, or the next step's
	// date of other kinds (YYYY-MM-DD); empty when none is fixed.
	NextDate string   `json:"next_date,omitempty"`
	Amounts  []Amount `json:"amounts,omitempty"`
	Details  []Detail `json:"details,omitempty"`
}

// Service is the status back-end.
type Service interface {
	// Specs lists what to type (and pick) for each kind.
	Specs(ctx context.Context) ([]RefSpec, error)
	// Lookup returns the status of the matter of kind that ref names. option
	// is the code of the scheme or exam picked, and must be empty for kinds
	// without options. ref is normalized (NormalizeRef) first. Errors wrap
	// ErrInvalidRef, ErrNotFound or ErrUnavailable.
	Lookup(ctx context.Context, kind Kind, ref, option string) (Result, error)
}

// Errors callers branch on.
var (
	// ErrInvalidRef: the reference does not match its pattern, or the kind
	// or option is not one the back-end knows. The citizen should retype.
	ErrInvalidRef = errors.New("status: invalid reference")
	// ErrNotFound: the reference is well formed but names no matter.
	ErrNotFound = errors.New("status: no matter with that reference")
	// ErrUnavailable: no definite answer (transport failure, timeout,
	// back-end down, an answer the kiosk cannot trust). Try again later.
	ErrUnavailable = errors.New("status: back-end unavailable")
)
