package status

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Reference patterns of the kinds (see the package documentation for the
// formats). Options may replace them for their own identifiers.
const (
	// PatternGrievance: YYYY-DDD-NNNNNNN, a Rajasthan Sampark grievance.
	PatternGrievance = `^20[0-9]{2}-[A-Z]{3}-[0-9]{7}$`
	// PatternCNR: the 16-character eCourts CNR; the last four are the year
	// of filing.
	PatternCNR = `^[A-Z]{4}[0-9]{8}(19|20)[0-9]{2}$`
	// PatternApplication: an e-Mitra token, YYMMDD of filing + 8 digits.
	PatternApplication = `^[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{8}$`
	// PatternJanAadhaar: a Jan Aadhaar family ID, 10 digits (member IDs,
	// 11 digits, are not taken: a family's status is the head's to see).
	PatternJanAadhaar = `^[0-9]{10}$`
	// PatternRollNumber: any exam's roll number; each exam narrows it.
	PatternRollNumber = `^[0-9]{6,10}$`
)

// MaxRefLen bounds a reference: the longest format above is 16
// characters, and a bound keeps a hostile request from costing anything.
const MaxRefLen = 40

var janAadhaarRE = regexp.MustCompile(PatternJanAadhaar)

// NormalizeRef returns ref as the back-end compares it: every space
// removed (the citizen may type a CNR in groups), ASCII letters upper-cased
// and Devanagari digits (०–९, from a Hindi keypad) turned into ASCII ones.
func NormalizeRef(ref string) string {
	var b strings.Builder
	b.Grow(len(ref))
	for _, r := range ref {
		switch {
		case unicode.IsSpace(r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= '०' && r <= '९':
			b.WriteRune(r - '०' + '0')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PrintedRef returns ref (normalized) as a Result may show and print it:
// a Jan Aadhaar ID keeps only its last four digits, every other reference
// is shown whole — it names a matter, not a person.
func PrintedRef(kind Kind, ref string) string {
	if kind == SchemeBeneficiary && janAadhaarRE.MatchString(ref) {
		return MaskID(ref)
	}
	return ref
}

// Input is what the UI needs to ask for a reference: the spec's fields, or
// an option's where it sets its own.
type Input struct {
	Label, LabelHi string
	Pattern        string
	Keyboard       Keyboard
	Example        string
}

// Input returns what to ask for under option ("" for kinds without
// options). The error wraps ErrInvalidRef when the option is not one of
// the spec's (or is missing or superfluous).
func (s RefSpec) Input(option string) (Input, error) {
	in := Input{s.Label, s.LabelHi, s.Pattern, s.Keyboard, s.Example}
	if len(s.Options) == 0 {
		if option != "" {
			return in, fmt.Errorf("%w: %s takes no option, got %q", ErrInvalidRef, s.Kind, option)
		}
		return in, nil
	}
	for _, o := range s.Options {
		if o.Code != option {
			continue
		}
		if o.Label != "" {
			in.Label, in.LabelHi = o.Label, o.LabelHi
		}
		if o.Pattern != "" {
			in.Pattern = o.Pattern
		}
		if o.Keyboard != "" {
			in.Keyboard = o.Keyboard
		}
		if o.Example != "" {
			in.Example = o.Example
		}
		return in, nil
	}
	if option == "" {
		return in, fmt.Errorf("%w: %s needs an option (%s)", ErrInvalidRef, s.Kind, s.OptionLabel)
	}
	return in, fmt.Errorf("%w: %s has no option %q", ErrInvalidRef, s.Kind, option)
}

// Validate normalizes ref and checks it, and option, against the spec. It
// returns the normalized reference; errors wrap ErrInvalidRef, except for
// a spec whose pattern does not compile (a back-end fault, checked by
// Check).
func (s RefSpec) Validate(ref, option string) (string, error) {
	in, err := s.Input(option)
	if err != nil {
		return "", err
	}
	ref = NormalizeRef(ref)
	re, err := compilePattern(in.Pattern)
	if err != nil {
		return "", fmt.Errorf("status: spec %s: %w", s.Kind, err)
	}
	if len(ref) > MaxRefLen || !re.MatchString(ref) {
		// The reference itself stays out of the message: a citizen may
		// have typed an Aadhaar number, and errors reach logs.
		return "", fmt.Errorf("%w: %d characters typed is not a %s (like %s)", ErrInvalidRef, utf8.RuneCountInString(ref), in.Label, in.Example)
	}
	return ref, nil
}

// FindSpec returns the spec of kind among specs.
func FindSpec(specs []RefSpec, kind Kind) (RefSpec, bool) {
	for _, s := range specs {
		if s.Kind == kind {
			return s, true
		}
	}
	return RefSpec{}, false
}

// optionCodeRE bounds option codes to what prints and journals plainly.
var optionCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,39}$`)

// Check reports whether the spec is one a kiosk can use: a known kind,
// labels in both languages, anchored patterns that compile, a known
// keyboard, examples that pass their own pattern (a numeric keyboard's
// example must be digits), and options exactly for the kinds that pick one
// (a scheme, an exam) with unique codes.
func (s RefSpec) Check() error {
	if !s.Kind.known() {
		return fmt.Errorf("status: spec: unknown kind %q", s.Kind)
	}
	where := "status: spec " + string(s.Kind)
	if s.Title == "" || s.TitleHi == "" || s.Label == "" || s.LabelHi == "" {
		return fmt.Errorf("%s: title and label are required in English and Hindi", where)
	}
	wantOptions := s.Kind == SchemeBeneficiary || s.Kind == ExamResult
	if got := len(s.Options) > 0; got != wantOptions {
		return fmt.Errorf("%s: %d options; a scheme or an exam must be picked for exactly the kinds %s and %s",
			where, len(s.Options), SchemeBeneficiary, ExamResult)
	}
	if wantOptions && (s.OptionLabel == "" || s.OptionLabelHi == "") {
		return fmt.Errorf("%s: option_label is required in English and Hindi", where)
	}
	if err := checkInput(Input{s.Label, s.LabelHi, s.Pattern, s.Keyboard, s.Example}); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	seen := map[string]bool{}
	for _, o := range s.Options {
		if !optionCodeRE.MatchString(o.Code) || seen[o.Code] {
			return fmt.Errorf("%s: option code %q: must be unique, capitals, digits and '-'", where, o.Code)
		}
		seen[o.Code] = true
		if o.Name == "" || o.NameHi == "" || (o.Label == "") != (o.LabelHi == "") {
			return fmt.Errorf("%s: option %s: name (and label, if any) required in English and Hindi", where, o.Code)
		}
		in, _ := s.Input(o.Code)
		if err := checkInput(in); err != nil {
			return fmt.Errorf("%s: option %s: %w", where, o.Code, err)
		}
	}
	return nil
}

func checkInput(in Input) error {
	if !strings.HasPrefix(in.Pattern, "^") || !strings.HasSuffix(in.Pattern, "$") {
		return fmt.Errorf("pattern %q must be anchored with ^ and $", in.Pattern)
	}
	re, err := compilePattern(in.Pattern)
	if err != nil {
		return err
	}
	switch in.Keyboard {
	case Numeric:
		if strings.Trim(in.Example, "0123456789") != "" {
			return fmt.Errorf("example %q on a numeric keyboard", in.Example)
		}
	case Alphanumeric:
	default:
		return fmt.Errorf("keyboard %q: use %s or %s", in.Keyboard, Numeric, Alphanumeric)
	}
	if in.Example != NormalizeRef(in.Example) || len(in.Example) > MaxRefLen || !re.MatchString(in.Example) {
		return fmt.Errorf("example %q does not match pattern %s", in.Example, in.Pattern)
	}
	return nil
}

// patterns caches compiled patterns: Validate runs on every keystroke of
// the UI and every request of a back-end, with the same few patterns.
var patterns struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

// maxCachedPatterns bounds the cache: a back-end sending ever new patterns
// must not grow the kiosk's memory.
const maxCachedPatterns = 64

func compilePattern(p string) (*regexp.Regexp, error) {
	patterns.Lock()
	defer patterns.Unlock()
	if re, ok := patterns.m[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", p, err)
	}
	if patterns.m == nil {
		patterns.m = map[string]*regexp.Regexp{}
	}
	if len(patterns.m) < maxCachedPatterns {
		patterns.m[p] = re
	}
	return re, nil
}
