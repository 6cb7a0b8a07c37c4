package status

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// testSpecs are specs shaped like the sandbox's, built here so that this
// package's tests do not depend on the sandbox's data.
var testSpecs = []RefSpec{
	{Kind: Grievance, Title: "Grievance (Rajasthan Sampark)", TitleHi: "शिकायत (राजस्थान संपर्क)", Label: "Grievance number",
		LabelHi: "शिकायत संख्या", Pattern: PatternGrievance, Keyboard: Alphanumeric, Example: "2026-JPR-0123456"},
	{Kind: CourtCase, Title: "Court case", TitleHi: "न्यायालय प्रकरण", Label: "CNR number", LabelHi: "सीएनआर संख्या",
		Pattern: PatternCNR, Keyboard: Alphanumeric, Example: "RJJP010012342025"},
	{Kind: Application, Title: "e-Mitra application", TitleHi: "ई-मित्र आवेदन", Label: "Application number", LabelHi: "आवेदन संख्या",
		Pattern: PatternApplication, Keyboard: Numeric, Example: "26031500012345"},
	{Kind: SchemeBeneficiary, Title: "Scheme benefit", TitleHi: "योजना लाभ", Label: "Jan Aadhaar ID", LabelHi: "जन आधार आईडी",
		Pattern: PatternJanAadhaar, Keyboard: Numeric, Example: "1089234567", OptionLabel: "Scheme", OptionLabelHi: "योजना",
		Options: []Option{
			{Code: "CHIRANJEEVI", Name: "Chiranjeevi health insurance", NameHi: "चिरंजीवी स्वास्थ्य बीमा"},
			{Code: "PM-KISAN", Name: "PM-Kisan", NameHi: "पीएम किसान", Label: "Jan Aadhaar ID or PM-Kisan registration no.",
				LabelHi: "जन आधार आईडी या पीएम किसान पंजीकरण संख्या", Pattern: `^([0-9]{10}|RJ[0-9]{9})$`, Keyboard: Alphanumeric, Example: "RJ123456789"},
		}},
	{Kind: ExamResult, Title: "Exam result", TitleHi: "परीक्षा परिणाम", Label: "Roll number", LabelHi: "अनुक्रमांक",
		Pattern: PatternRollNumber, Keyboard: Numeric, Example: "1234567", OptionLabel: "Exam", OptionLabelHi: "परीक्षा",
		Options: []Option{{Code: "RBSE-10-2026", Name: "RBSE Secondary 2026", NameHi: "माध्यमिक परीक्षा 2026", Pattern: `^[0-9]{7}$`}}},
}

func spec(t testing.TB, k Kind) RefSpec {
	s, ok := FindSpec(testSpecs, k)
	if !ok {
		t.Fatalf("no spec for %s", k)
	}
	return s
}

func TestTestSpecsPassCheck(t *testing.T) {
	for _, s := range testSpecs {
		if err := s.Check(); err != nil {
			t.Errorf("Check(%s) = %v", s.Kind, err)
		}
	}
}

func TestNormalizeRef(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"2026-jpr-0123456", "2026-JPR-0123456"},
		{" RJJP 0100 1234 2025\t", "RJJP010012342025"},
		{"१०८९२३४५६७", "1089234567"},
		{"rj१२३", "RJ123"},
		{"सं", "सं"}, // not a letter it knows: left for the pattern to refuse
		{"", ""},
	} {
		if got := NormalizeRef(tt.in); got != tt.want {
			t.Errorf("NormalizeRef(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		kind    Kind
		ref     string
		option  string
		want    string // normalized; "" = invalid
		wantErr error
	}{
		{Grievance, "2026-JPR-0123456", "", "2026-JPR-0123456", nil},
		{Grievance, "2026-jdh-0000001 ", "", "2026-JDH-0000001", nil},
		{Grievance, "2026-JPR-012345", "", "", ErrInvalidRef},  // 6-digit serial
		{Grievance, "1926-JPR-0123456", "", "", ErrInvalidRef}, // not this century
		{Grievance, "2026JPR0123456", "", "", ErrInvalidRef},
		{Grievance, "2026-JPR-0123456", "X", "", ErrInvalidRef}, // no options for grievances
		{CourtCase, "RJJP010012342025", "", "RJJP010012342025", nil},
		{CourtCase, "rjjp 01 001234 2025", "", "RJJP010012342025", nil},
		{CourtCase, "RJJP01001234202", "", "", ErrInvalidRef},  // 15 characters
		{CourtCase, "RJJP010012341825", "", "", ErrInvalidRef}, // year 1825
		{CourtCase, "RJ1P010012342025", "", "", ErrInvalidRef},
		{Application, "26031500012345", "", "26031500012345", nil},
		{Application, "26131500012345", "", "", ErrInvalidRef}, // month 13
		{Application, "2603150001234", "", "", ErrInvalidRef},
		{SchemeBeneficiary, "1089234567", "CHIRANJEEVI", "1089234567", nil},
		{SchemeBeneficiary, "१०८९२३४५६७", "CHIRANJEEVI", "1089234567", nil},
		{SchemeBeneficiary, "RJ123456789", "CHIRANJEEVI", "", ErrInvalidRef}, // Chiranjeevi takes only Jan Aadhaar
		{SchemeBeneficiary, "rj123456789", "PM-KISAN", "RJ123456789", nil},
		{SchemeBeneficiary, "1089234567", "PM-KISAN", "1089234567", nil},
		{SchemeBeneficiary, "1089234567", "", "", ErrInvalidRef}, // the scheme must be picked
		{SchemeBeneficiary, "1089234567", "PENSION", "", ErrInvalidRef},
		{SchemeBeneficiary, "10892345671", "CHIRANJEEVI", "", ErrInvalidRef}, // a member id
		{ExamResult, "1234567", "RBSE-10-2026", "1234567", nil},
		{ExamResult, "123456", "RBSE-10-2026", "", ErrInvalidRef}, // the exam's own 7 digits
		{ExamResult, "1234567", "", "", ErrInvalidRef},
		{ExamResult, strings.Repeat("1", MaxRefLen+1), "RBSE-10-2026", "", ErrInvalidRef},
	} {
		got, err := spec(t, tt.kind).Validate(tt.ref, tt.option)
		if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("Validate(%s, %q, %q) = %q, %v; want %q, %v", tt.kind, tt.ref, tt.option, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestCheckRefusesBadSpecs(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*RefSpec)
	}{
		{"unknown kind", func(s *RefSpec) { s.Kind = "ration" }},
		{"no Hindi label", func(s *RefSpec) { s.LabelHi = "" }},
		{"unanchored", func(s *RefSpec) { s.Pattern = `[0-9]{10}` }},
		{"broken pattern", func(s *RefSpec) { s.Pattern = `^([0-9]$` }},
		{"unknown keyboard", func(s *RefSpec) { s.Keyboard = "qwerty" }},
		{"example fails pattern", func(s *RefSpec) { s.Example = "108923456" }},
		{"letters on a numeric keyboard", func(s *RefSpec) { s.Pattern, s.Example = `^[A-Z0-9]{10}$`, "AB89234567" }},
		{"no options", func(s *RefSpec) { s.Options = nil }},
		{"no option label", func(s *RefSpec) { s.OptionLabelHi = "" }},
		{"duplicate option", func(s *RefSpec) { s.Options = append(s.Options, s.Options[0]) }},
		{"lower-case option", func(s *RefSpec) { s.Options = []Option{{Code: "pm", Name: "x", NameHi: "x"}} }},
		{"option example fails its pattern", func(s *RefSpec) {
			s.Options = []Option{{Code: "A", Name: "x", NameHi: "x", Pattern: `^RJ[0-9]{9}$`, Keyboard: Alphanumeric, Example: "1089234567"}}
		}},
		{"option label without Hindi", func(s *RefSpec) { s.Options = []Option{{Code: "A", Name: "x", NameHi: "x", Label: "Id"}} }},
	} {
		s := spec(t, SchemeBeneficiary)
		s.Options = append([]Option(nil), s.Options...)
		tt.change(&s)
		if err := s.Check(); err == nil {
			t.Errorf("Check() with %s = nil, want an error", tt.name)
		}
	}
	g := spec(t, Grievance)
	g.Options, g.OptionLabel, g.OptionLabelHi = []Option{{Code: "A", Name: "x", NameHi: "x"}}, "x", "x"
	if err := g.Check(); err == nil {
		t.Errorf("Check() of a grievance spec with options = nil, want an error")
	}
}

// withCheckDigit appends the Verhoeff check digit to eleven digits.
func withCheckDigit(t testing.TB, eleven string) string {
	for c := '0'; c <= '9'; c++ {
		var d []int
		for _, r := range eleven + string(c) {
			d = append(d, int(r-'0'))
		}
		if verhoeffValid(d) {
			return eleven + string(c)
		}
	}
	t.Fatalf("no check digit for %s", eleven)
	return ""
}

func TestVerhoeff(t *testing.T) {
	// The scheme's published example: 236 has check digit 3.
	if !verhoeffValid([]int{2, 3, 6, 3}) || verhoeffValid([]int{2, 3, 6, 4}) {
		t.Errorf("verhoeffValid(2363, 2364) disagrees with the published example")
	}
}

func TestContainsAadhaar(t *testing.T) {
	a := withCheckDigit(t, "23456789012")        // valid
	bad := a[:11] + string('0'+(a[11]-'0'+1)%10) // wrong check digit
	zero := withCheckDigit(t, "03456789012")     // starts with 0
	grouped := a[:4] + " " + a[4:8] + " " + a[8:]
	deva := strings.Map(func(r rune) rune { return r - '0' + '०' }, a)
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{a, true},
		{"Aadhaar " + grouped + " linked", true},
		{a[:4] + "-" + a[4:8] + "-" + a[8:], true},
		{"आधार " + deva, true},
		{"XXXX XXXX " + a[8:], false},
		{bad, false},
		{zero, false},
		{"1" + a, false},              // thirteen digits: not an Aadhaar number
		{a + "7", false},              // nor this
		{grouped[:9], false},          // eight digits
		{a[:4] + "  " + a[4:], false}, // two spaces is not a grouping
		{"₹1,25,000 paid", false},
		{"", false},
	} {
		if got := ContainsAadhaar(tt.in); got != tt.want {
			t.Errorf("ContainsAadhaar(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// aadhaarRE is a second, independent reading of ContainsAadhaar's rule,
// for the fuzz target: a candidate by regular expression at the start of
// a number, then UIDAI's checks.
var aadhaarRE = regexp.MustCompile(`^([2-9][0-9]{3})[ -]?([0-9]{4})[ -]?([0-9]{4})(?:$|[^0-9])`)

func FuzzContainsAadhaar(f *testing.F) {
	f.Add("234567890124")
	f.Add("Aadhaar 2345 6789 0124 linked")
	f.Add("9999-9999-9999")
	f.Add("12 3456 7890 1234")
	f.Fuzz(func(t *testing.T, s string) {
		// The expression reads ASCII digits only.
		if strings.ContainsFunc(s, func(r rune) bool { return r >= '०' && r <= '९' }) {
			return
		}
		want := false
		for i := range len(s) {
			if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
				continue // inside a number
			}
			if m := aadhaarRE.FindStringSubmatch(s[i:]); m != nil {
				var d []int
				for _, r := range m[1] + m[2] + m[3] {
					d = append(d, int(r-'0'))
				}
				want = want || verhoeffValid(d)
			}
		}
		if got := ContainsAadhaar(s); got != want {
			t.Fatalf("ContainsAadhaar(%q) = %v, the regular expression says %v", s, got, want)
		}
	})
}

func TestMaskID(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"1089234567", "XXXXXX4567"},
		{"30112200004521", "XXXXXXXXXX4521"},
		{"1234", "XXXX"},
		{"", ""},
	} {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsMaskedName(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"R***** K**** S*****", true},
		{"सु**** दे**", true},
		{"A", true},
		{"Ramesh K****", false},
		{"सुनीता", false},
		{"***** K****", false},
		{"", false},
		{"   ", false},
	} {
		if got := IsMaskedName(tt.in); got != tt.want {
			t.Errorf("IsMaskedName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func goodResult() Result {
	return Result{
		Kind: CourtCase, Ref: "RJJP010012342025",
		Title: "Civil suit 1234/2025: recovery of money", TitleHi: "दीवानी वाद 1234/2025: धन वसूली",
		Holder: "R***** K****",
		Status: Text{InProgress, "Pending: evidence of the plaintiff", "लंबित: वादी साक्ष्य"},
		Office: Office{"Civil Judge (Junior Division), Sanganer", "सिविल न्यायाधीश (क.ख.), सांगानेर"},
		Timeline: []Event{
			{"2025-07-14", "Case filed", "प्रकरण दर्ज"},
			{"2025-09-02", "Written statement filed", "जवाब दावा पेश"},
		},
		NextDate: "2026-04-17",
		Amounts:  []Amount{{"Court fee paid", "न्याय शुल्क जमा", "2025-07-14", 120000}},
		Details:  []Detail{{"Court", "न्यायालय", "Court no. 3", "न्यायालय संख्या 3"}},
	}
}

func TestResultValidate(t *testing.T) {
	if err := goodResult().Validate(); err != nil {
		t.Fatalf("Validate() of a good result = %v", err)
	}
	aadhaar := withCheckDigit(t, "34567890123")
	for _, tt := range []struct {
		name   string
		change func(*Result)
	}{
		{"unknown kind", func(r *Result) { r.Kind = "ration" }},
		{"lower-case ref", func(r *Result) { r.Ref = "rjjp010012342025" }},
		{"no Hindi title", func(r *Result) { r.TitleHi = "" }},
		{"unmasked holder", func(r *Result) { r.Holder = "Ramesh Kumar" }},
		{"unknown code", func(r *Result) { r.Status.Code = "DONE" }},
		{"no office", func(r *Result) { r.Office = Office{} }},
		{"no timeline", func(r *Result) { r.Timeline = nil }},
		{"timeline out of order", func(r *Result) { r.Timeline[0].Date = "2025-10-01" }},
		{"31 February", func(r *Result) { r.Timeline[0].Date = "2025-02-31" }},
		{"next date as DD-MM-YYYY", func(r *Result) { r.NextDate = "17-04-2026" }},
		{"zero amount", func(r *Result) { r.Amounts[0].Amount = 0 }},
		{"detail without value", func(r *Result) { r.Details[0].Value = "" }},
		{"too many events", func(r *Result) {
			for range MaxEvents {
				r.Timeline = append(r.Timeline, r.Timeline[1])
			}
		}},
		{"long text", func(r *Result) { r.Title = strings.Repeat("क", MaxText+1) }},
		{"Aadhaar in a detail", func(r *Result) { r.Details[0].Value = "Aadhaar " + aadhaar }},
		{"Aadhaar in a Hindi event", func(r *Result) {
			r.Timeline[1].TextHi = "आधार " + aadhaar[:4] + " " + aadhaar[4:8] + " " + aadhaar[8:]
		}},
	} {
		r := goodResult()
		tt.change(&r)
		err := r.Validate()
		if err == nil {
			t.Errorf("Validate() with %s = nil, want an error", tt.name)
			continue
		}
		if strings.Contains(err.Error(), aadhaar) || strings.Contains(err.Error(), aadhaar[8:]+" ") {
			t.Errorf("Validate() with %s = %v: the error repeats the number", tt.name, err)
		}
		if strings.HasPrefix(tt.name, "Aadhaar") && !errors.Is(err, errAadhaarInText) {
			t.Errorf("Validate() with %s = %v, want the Aadhaar refusal", tt.name, err)
		}
	}
}

func TestLines(t *testing.T) {
	var got []string
	for _, l := range goodResult().Lines() {
		got = append(got, l.Label+"|"+l.LabelHi+"|"+l.Value+"|"+l.ValueHi)
	}
	want := []string{
		"Matter|विषय|Civil suit 1234/2025: recovery of money|दीवानी वाद 1234/2025: धन वसूली",
		"CNR no.|सीएनआर संख्या|RJJP010012342025|",
		"Name|नाम|R***** K****|",
		"Status|स्थिति|Pending: evidence of the plaintiff|लंबित: वादी साक्ष्य",
		"Office|कार्यालय|Civil Judge (Junior Division), Sanganer|सिविल न्यायाधीश (क.ख.), सांगानेर",
		"Next hearing|अगली सुनवाई|17-04-2026|",
		"Court|न्यायालय|Court no. 3|न्यायालय संख्या 3",
		"Court fee paid|न्याय शुल्क जमा|₹1,200 (14-07-2025)|",
		"14-07-2025||Case filed|प्रकरण दर्ज",
		"02-09-2025||Written statement filed|जवाब दावा पेश",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Lines() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	g := goodResult()
	g.Kind, g.Ref, g.Option = SchemeBeneficiary, "XXXXXX4567", "PM-KISAN"
	lines := g.Lines()
	if lines[1].Label != "Beneficiary id" || lines[2].Value != "PM-KISAN" || lines[6].Label != "Next date" {
		t.Errorf("Lines() of a beneficiary = %+v", lines[:7])
	}
}

func TestPrintedRef(t *testing.T) {
	for _, tt := range []struct {
		kind      Kind
		ref, want string
	}{
		{SchemeBeneficiary, "1089234567", "XXXXXX4567"},
		{SchemeBeneficiary, "RJ123456789", "RJ123456789"},
		{Application, "1089234567", "1089234567"},
		{CourtCase, "RJJP010012342025", "RJJP010012342025"},
	} {
		if got := PrintedRef(tt.kind, tt.ref); got != tt.want {
			t.Errorf("PrintedRef(%s, %s) = %s, want %s", tt.kind, tt.ref, got, tt.want)
		}
	}
}

// FuzzValidate feeds citizen input to every spec: whatever is typed,
// Validate either refuses it with ErrInvalidRef or returns a normalized
// reference its pattern accepts.
func FuzzValidate(f *testing.F) {
	for _, s := range testSpecs {
		f.Add(string(s.Kind), s.Example, "")
		for _, o := range s.Options {
			f.Add(string(s.Kind), s.Example, o.Code)
		}
	}
	f.Add("court-case", "rjjp 0100 1234 2025", "")
	f.Fuzz(func(t *testing.T, kind, ref, option string) {
		s, ok := FindSpec(testSpecs, Kind(kind))
		if !ok {
			return
		}
		got, err := s.Validate(ref, option)
		if err != nil {
			if !errors.Is(err, ErrInvalidRef) {
				t.Fatalf("Validate(%q, %q) = %v, want ErrInvalidRef", ref, option, err)
			}
			return
		}
		in, _ := s.Input(option)
		if got != NormalizeRef(got) || len(got) > MaxRefLen || !regexp.MustCompile(in.Pattern).MatchString(got) {
			t.Fatalf("Validate(%q, %q) = %q, which is not a normalized match of %s", ref, option, got, in.Pattern)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	s := spec(b, CourtCase)
	for range b.N {
		if _, err := s.Validate("rjjp 0100 1234 2025", ""); err != nil {
			b.Fatal(err)
		}
	}
}
