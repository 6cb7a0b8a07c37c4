package statussandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"

	"github.com/mitra-kiosk/mitra/services/sandbox"
	"github.com/mitra-kiosk/mitra/services/status"
)

// Names of the data files in the data directory.
const specsFile = "specs.json"

// recordFiles names each kind's file of records.
var recordFiles = map[status.Kind]string{
	status.Grievance:         "grievances.json",
	status.CourtCase:         "court-cases.json",
	status.Application:       "applications.json",
	status.SchemeBeneficiary: "beneficiaries.json",
	status.ExamResult:        "exam-results.json",
}

// record is one matter as stored. Holder, OtherParty, Mobile and
// BankAccount are stored in full and never served as they are.
type record struct {
	Ref    string `json:"ref,omitempty"`    // empty for a scheme found only by Jan Aadhaar ID
	Option string `json:"option,omitempty"` // the scheme or exam
	// JanAadhaar is a beneficiary family's Jan Aadhaar ID, the record's
	// second key.
	JanAadhaar string `json:"jan_aadhaar,omitempty"`
	Holder     string `json:"holder"`
	// OtherParty is a court case's respondent: masked when a person, shown
	// as it is when OtherPartyIsOffice (the State, a company).
	OtherParty         string          `json:"other_party,omitempty"`
	OtherPartyIsOffice bool            `json:"other_party_is_office,omitempty"`
	Mobile             string          `json:"mobile,omitempty"`       // never served
	BankAccount        string          `json:"bank_account,omitempty"` // served as MaskID
	Title              string          `json:"title"`
	TitleHi            string          `json:"title_hi"`
	Status             status.Text     `json:"status"`
	Office             status.Office   `json:"office"`
	Timeline           []status.Event  `json:"timeline"`
	NextDate           string          `json:"next_date,omitempty"`
	Amounts            []status.Amount `json:"amounts,omitempty"`
	Details            []status.Detail `json:"details,omitempty"`
	Note               string          `json:"note,omitempty"` // for testers: why this record is here
}

// recordKey finds a record: by its reference, or a beneficiary by the
// family's Jan Aadhaar ID, always under its option.
type recordKey struct {
	kind        status.Kind
	option, ref string
}

// catalogue is the back-end's immutable data.
type catalogue struct {
	specs   []status.RefSpec
	records map[recordKey]*record
}

// serve builds the answer to a look-up of rec by ref (normalized): what
// the holder of ref may see, masked.
func serve(kind status.Kind, ref string, rec *record) status.Result {
	r := status.Result{
		Kind: kind, Option: rec.Option, Ref: status.PrintedRef(kind, ref),
		Title: rec.Title, TitleHi: rec.TitleHi, Holder: sandbox.MaskName(rec.Holder),
		Status: rec.Status, Office: rec.Office, NextDate: rec.NextDate,
		Timeline: append([]status.Event(nil), rec.Timeline...),
		Amounts:  append([]status.Amount(nil), rec.Amounts...),
		Details:  append([]status.Detail(nil), rec.Details...),
	}
	if rec.OtherParty != "" {
		other := rec.OtherParty
		if !rec.OtherPartyIsOffice {
			other = sandbox.MaskName(other)
		}
		r.Details = append(r.Details, status.Detail{Label: "Opposite party", LabelHi: "विपक्षी", Value: other})
	}
	if rec.BankAccount != "" {
		r.Details = append(r.Details, status.Detail{Label: "Bank account", LabelHi: "बैंक खाता", Value: status.MaskID(rec.BankAccount)})
	}
	return r
}

// loadCatalogue reads the data files from data.
func loadCatalogue(data fs.FS) (*catalogue, error) {
	files := map[string][]byte{}
	for _, name := range append([]string{specsFile}, recordFileNames()...) {
		b, err := fs.ReadFile(data, name)
		if err != nil {
			return nil, fmt.Errorf("statussandbox: data: %w", err)
		}
		files[name] = b
	}
	return parseCatalogue(files)
}

func recordFileNames() []string {
	var out []string
	for _, k := range status.Kinds {
		out = append(out, recordFiles[k])
	}
	return out
}

var (
	mobileRE  = regexp.MustCompile(`^[6-9][0-9]{9}$`)
	accountRE = regexp.MustCompile(`^[0-9]{9,18}$`)
)

// parseCatalogue decodes and checks the data files (by name). See the
// package documentation for what it refuses and why.
func parseCatalogue(files map[string][]byte) (*catalogue, error) {
	c := &catalogue{records: map[recordKey]*record{}}
	if err := strictUnmarshal(files[specsFile], &c.specs); err != nil {
		return nil, fmt.Errorf("statussandbox: data: %s: %w", specsFile, err)
	}
	for _, k := range status.Kinds {
		n := 0
		for _, s := range c.specs {
			if s.Kind == k {
				n++
			}
		}
		if n != 1 {
			return nil, fmt.Errorf("statussandbox: data: %s: %d specs for %s, want 1", specsFile, n, k)
		}
	}
	for _, s := range c.specs {
		if err := s.Check(); err != nil {
			return nil, fmt.Errorf("statussandbox: data: %s: %w", specsFile, err)
		}
	}
	for _, kind := range status.Kinds {
		name := recordFiles[kind]
		var recs []*record
		if err := strictUnmarshal(files[name], &recs); err != nil {
			return nil, fmt.Errorf("statussandbox: data: %s: %w", name, err)
		}
		spec, _ := status.FindSpec(c.specs, kind)
		for i, rec := range recs {
			where := fmt.Sprintf("statussandbox: data: %s: record #%d (%s)", name, i+1, rec.Ref)
			if err := c.add(spec, rec); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return c, nil
}

// add checks rec and indexes it under each of its keys.
func (c *catalogue) add(spec status.RefSpec, rec *record) error {
	if rec == nil {
		return fmt.Errorf("null record")
	}
	kind := spec.Kind
	var keys []string
	if rec.Ref != "" {
		ref, err := spec.Validate(rec.Ref, rec.Option)
		if err != nil || ref != rec.Ref {
			return fmt.Errorf("ref must be normalized and match its pattern: %v", err)
		}
		keys = append(keys, ref)
	}
	switch {
	case kind == status.SchemeBeneficiary:
		if _, err := spec.Validate(rec.JanAadhaar, rec.Option); err != nil || !janAadhaarRE.MatchString(rec.JanAadhaar) {
			return fmt.Errorf("jan_aadhaar: a 10-digit Jan Aadhaar ID the scheme accepts is required: %v", err)
		}
		keys = append(keys, rec.JanAadhaar)
	case rec.JanAadhaar != "":
		return fmt.Errorf("jan_aadhaar is for scheme beneficiaries only")
	case rec.Ref == "":
		return fmt.Errorf("ref is required")
	}
	switch {
	case strings.TrimSpace(rec.Holder) == "":
		return fmt.Errorf("holder is required")
	case rec.Mobile != "" && !mobileRE.MatchString(rec.Mobile):
		return fmt.Errorf("mobile must be 10 digits starting 6-9")
	case rec.BankAccount != "" && !accountRE.MatchString(rec.BankAccount):
		return fmt.Errorf("bank_account must be 9 to 18 digits")
	case (rec.OtherParty != "" || rec.OtherPartyIsOffice) && kind != status.CourtCase:
		return fmt.Errorf("other_party is for court cases only")
	}
	for _, ref := range keys {
		k := recordKey{kind, rec.Option, ref}
		if _, dup := c.records[k]; dup {
			return fmt.Errorf("%s listed twice (one record per reference, and per family and scheme)", status.PrintedRef(kind, ref))
		}
		r := serve(kind, ref, rec)
		if err := r.Validate(); err != nil {
			return err
		}
		if err := checkServedPrivacy(r, rec); err != nil {
			return err
		}
		c.records[k] = rec
	}
	return nil
}

var janAadhaarRE = regexp.MustCompile(status.PatternJanAadhaar)

// checkServedPrivacy refuses an answer that would carry what the record
// holds only to be withheld: a full name, the mobile, the bank account, or
// the family's Jan Aadhaar ID in full (a data file typing one into a
// detail, say).
func checkServedPrivacy(r status.Result, rec *record) error {
	served, err := json.Marshal(r)
	if err != nil {
		return err
	}
	withheld := map[string]string{"mobile": rec.Mobile, "bank_account": rec.BankAccount, "jan_aadhaar": rec.JanAadhaar}
	if sandbox.MaskName(rec.Holder) != rec.Holder {
		withheld["holder"] = rec.Holder
	}
	if !rec.OtherPartyIsOffice && sandbox.MaskName(rec.OtherParty) != rec.OtherParty {
		withheld["other_party"] = rec.OtherParty
	}
	for field, v := range withheld {
		if v != "" && strings.Contains(string(served), v) {
			return fmt.Errorf("the answer would show the %s unmasked", field)
		}
	}
	return nil
}

// strictUnmarshal decodes exactly one JSON value with no unknown fields: a
// misspelt "next_date" in a data file must fail, not vanish.
func strictUnmarshal(b []byte, v any) error {
	if b == nil {
		return errors.New("missing")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
