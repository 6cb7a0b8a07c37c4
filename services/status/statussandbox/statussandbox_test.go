package statussandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mitra-kiosk/mitra/services/status"
)

const dataDir = "../../../testdata/status"

func newBackend(t testing.TB) *Backend {
	t.Helper()
	b, err := NewFromDir(dataDir)
	if err != nil {
		t.Fatalf("NewFromDir() = %v", err)
	}
	return b
}

// readFiles reads the shipped data files, for tests that spoil one.
func readFiles(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range append([]string{specsFile}, recordFileNames()...) {
		b, err := os.ReadFile(filepath.Join(dataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	return files
}

// TestShippedData checks testdata/status against what testers and the UI
// rely on: every kind has several records and every status a citizen can
// meet appears somewhere, the specs use the formats package status
// documents, and the README lists every reference a tester can type.
func TestShippedData(t *testing.T) {
	b := newBackend(t)
	readme, err := os.ReadFile(filepath.Join(dataDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	perKind := map[status.Kind]int{}
	codes := map[status.Code]bool{}
	for k, rec := range b.cat.records {
		perKind[k.kind]++
		codes[rec.Status.Code] = true
		if !bytes.Contains(readme, []byte("`"+k.ref+"`")) {
			t.Errorf("README.md does not list %s %s %s", k.kind, k.option, k.ref)
		}
		if k.option != "" && !bytes.Contains(readme, []byte(k.option)) {
			t.Errorf("README.md does not name option %s", k.option)
		}
	}
	for _, k := range status.Kinds {
		if perKind[k] < 4 {
			t.Errorf("%s has %d records, want at least 4", k, perKind[k])
		}
	}
	for _, c := range status.Codes {
		if !codes[c] {
			t.Errorf("no record has status %s", c)
		}
	}
	for kind, want := range map[status.Kind]string{
		status.Grievance:         status.PatternGrievance,
		status.CourtCase:         status.PatternCNR,
		status.Application:       status.PatternApplication,
		status.SchemeBeneficiary: status.PatternJanAadhaar,
		status.ExamResult:        status.PatternRollNumber,
	} {
		if s, _ := status.FindSpec(b.cat.specs, kind); s.Pattern != want {
			t.Errorf("spec %s pattern = %s, want the documented %s", kind, s.Pattern, want)
		}
	}
}

func TestLookup(t *testing.T) {
	b := newBackend(t)
	ctx := context.Background()
	for _, tt := range []struct {
		kind        status.Kind
		ref, option string
		wantErr     error
		wantRef     string
		wantCode    status.Code
		wantHolder  string
	}{
		{status.Grievance, "2026-JPR-0123456", "", nil, "2026-JPR-0123456", status.InProgress, "R***** K**** S*****"},
		{status.Grievance, " 2026-jdh-0004711 ", "", nil, "2026-JDH-0004711", status.Completed, "K**** D*** B******"},
		{status.Grievance, "2026-JPR-9999999", "", status.ErrNotFound, "", "", ""},
		{status.Grievance, "2026-JPR-012345", "", status.ErrInvalidRef, "", "", ""},
		{status.CourtCase, "RJJP 0100 1234 2025", "", nil, "RJJP010012342025", status.InProgress, "R******* S**** S********"},
		{status.CourtCase, "RJJP010012342024", "", status.ErrNotFound, "", "", ""},
		{status.Application, "26101500012345", "", nil, "26101500012345", status.InProgress, "P**** K***** Y****"},
		{status.Application, "26072100120009", "", nil, "26072100120009", status.Rejected, "G**** K***** R******"},
		{status.Application, "26101500012345", "X", status.ErrInvalidRef, "", "", ""},
		{status.SchemeBeneficiary, "RJOAP0412345", "SSP-PENSION", nil, "RJOAP0412345", status.Active, "K**** B** G*****"},
		{status.SchemeBeneficiary, "1089234567", "SSP-PENSION", nil, "XXXXXX4567", status.Active, "K**** B** G*****"},
		{status.SchemeBeneficiary, "१०८९२३४५६७", "CHIRANJEEVI", nil, "XXXXXX4567", status.Active, "K**** B** G*****"},
		{status.SchemeBeneficiary, "1092345678", "SSP-PENSION", nil, "XXXXXX5678", status.Suspended, "F***** B***"},
		{status.SchemeBeneficiary, "1092345678", "CHIRANJEEVI", status.ErrNotFound, "", "", ""}, // the family has no policy
		{status.SchemeBeneficiary, "RJOAP0412345", "PM-KISAN", status.ErrInvalidRef, "", "", ""},
		{status.SchemeBeneficiary, "RJ123456789", "PM-KISAN", nil, "RJ123456789", status.Active, "G**** R** J**"},
		{status.SchemeBeneficiary, "1076543210", "PM-KISAN", nil, "XXXXXX3210", status.Active, "G**** R** J**"},
		{status.SchemeBeneficiary, "1076543210", "", status.ErrInvalidRef, "", "", ""},
		{status.ExamResult, "1412345", "RBSE-10-2026", nil, "1412345", status.Passed, "P**** K***** S****"},
		{status.ExamResult, "1412345", "RBSE-12-SCI-2026", status.ErrNotFound, "", "", ""},
		{status.ExamResult, "104567", "RPSC-RAS-PRE-2025", nil, "104567", status.Passed, "N*** C********"},
		{status.ExamResult, "1045678", "RPSC-RAS-PRE-2025", status.ErrInvalidRef, "", "", ""},
		{"ration-card", "1234", "", status.ErrInvalidRef, "", "", ""},
	} {
		r, err := b.Lookup(ctx, tt.kind, tt.ref, tt.option)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("Lookup(%s, %q, %q) error = %v, want %v", tt.kind, tt.ref, tt.option, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if r.Kind != tt.kind || r.Ref != tt.wantRef || r.Status.Code != tt.wantCode || r.Holder != tt.wantHolder || r.Option != tt.option {
			t.Errorf("Lookup(%s, %q, %q) = %s %q %s %q, want %q %s %q", tt.kind, tt.ref, tt.option,
				r.Kind, r.Ref, r.Status.Code, r.Holder, tt.wantRef, tt.wantCode, tt.wantHolder)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("Lookup(%s, %q) answer fails Validate: %v", tt.kind, tt.ref, err)
		}
	}
}

// TestLookupByJanAadhaarShowsOnlyThatScheme: family 1089234567 has both a
// pension and a Chiranjeevi policy; a look-up under one scheme shows
// nothing of the other, and nothing the record keeps back.
func TestLookupByJanAadhaarShowsOnlyThatScheme(t *testing.T) {
	b := newBackend(t)
	ctx := context.Background()
	pension, err := b.Lookup(ctx, status.SchemeBeneficiary, "1089234567", "SSP-PENSION")
	if err != nil {
		t.Fatal(err)
	}
	policy, err := b.Lookup(ctx, status.SchemeBeneficiary, "1089234567", "CHIRANJEEVI")
	if err != nil {
		t.Fatal(err)
	}
	pj, _ := json.Marshal(pension)
	cj, _ := json.Marshal(policy)
	for _, leak := range []string{"Chiranjeevi", "चिरंजीवी", "Health Assurance"} {
		if bytes.Contains(pj, []byte(leak)) {
			t.Errorf("the pension answer mentions %q of the family's other scheme", leak)
		}
	}
	for _, leak := range []string{"RJOAP0412345", "Pension", "125000", "4521"} {
		if bytes.Contains(cj, []byte(leak)) {
			t.Errorf("the Chiranjeevi answer carries %q of the family's pension", leak)
		}
	}
	for _, secret := range []string{"Kamla Bai Gurjar", "9413098765", "30112200004521", "1089234567"} {
		if bytes.Contains(pj, []byte(secret)) || bytes.Contains(cj, []byte(secret)) {
			t.Errorf("an answer carries %q in full", secret)
		}
	}
	if !bytes.Contains(pj, []byte("XXXXXXXXXX4521")) {
		t.Errorf("the pension answer lacks the masked bank account: %s", pj)
	}
}

// TestEveryAnswerIsMasked serves every record under every key and checks
// what the record keeps back never leaves.
func TestEveryAnswerIsMasked(t *testing.T) {
	b := newBackend(t)
	for k, rec := range b.cat.records {
		r, err := b.Lookup(context.Background(), k.kind, k.ref, k.option)
		if err != nil {
			t.Fatalf("Lookup(%v) = %v", k, err)
		}
		j, _ := json.Marshal(r)
		for _, secret := range []string{rec.Holder, rec.Mobile, rec.BankAccount, rec.JanAadhaar} {
			if secret != "" && bytes.Contains(j, []byte(secret)) {
				t.Errorf("Lookup(%v) shows %q", k, secret)
			}
		}
		if rec.OtherParty != "" && !rec.OtherPartyIsOffice && bytes.Contains(j, []byte(rec.OtherParty)) {
			t.Errorf("Lookup(%v) shows the opposite party %q", k, rec.OtherParty)
		}
	}
}

func TestParseCatalogueRefuses(t *testing.T) {
	good := readFiles(t)
	if _, err := parseCatalogue(good); err != nil {
		t.Fatalf("parseCatalogue(shipped data) = %v", err)
	}
	aadhaar := "234567890124" // passes the Verhoeff check
	if !status.ContainsAadhaar(aadhaar) {
		t.Fatalf("test number %s is not taken for an Aadhaar number", aadhaar)
	}
	for _, tt := range []struct {
		name, file, old, new string
		want                 string
	}{
		{"bad ref", "grievances.json", `"2026-KOT-0009102"`, `"2026-KOT-009102"`, "pattern"},
		{"lower-case ref", "grievances.json", `"2026-KOT-0009102"`, `"2026-kot-0009102"`, "normalized"},
		{"duplicate", "grievances.json", `"2026-KOT-0009102"`, `"2026-JPR-0123456"`, "twice"},
		{"unknown field", "grievances.json", `"next_date": "2026-11-20"`, `"nextdate": "2026-11-20"`, "unknown field"},
		{"unknown code", "applications.json", `"code": "REGISTERED"`, `"code": "RECEIVED"`, "status code"},
		{"Aadhaar in a detail", "exam-results.json", `"value": "148.62"`, `"value": "` + aadhaar + `"`, "Aadhaar"},
		{"mobile in a text", "grievances.json", `"Grievance registered at e-Mitra kiosk", "text_hi": "ई-मित्र कियोस्क पर शिकायत दर्ज"},
     {"date": "2026-10-29"`, `"Grievance registered by 9829012345", "text_hi": "ई-मित्र कियोस्क पर शिकायत दर्ज"},
     {"date": "2026-10-29"`, "mobile"},
		{"Jan Aadhaar in a detail", "beneficiaries.json", `"value": "₹1,250"`, `"value": "JA 1089234567"`, "jan_aadhaar"},
		{"full name in a title", "applications.json", `"title": "Income certificate"`, `"title": "Income certificate of Imran Khan Sindhi"`, "holder"},
		{"family twice for a scheme", "beneficiaries.json", `"jan_aadhaar": "1047788990"`, `"jan_aadhaar": "1089234567"`, "twice"},
		{"beneficiary without Jan Aadhaar", "beneficiaries.json", `"jan_aadhaar": "1047788990", `, ``, "jan_aadhaar"},
		{"unknown scheme", "beneficiaries.json", `"option": "PM-KISAN", "ref": "RJ198765432"`, `"option": "PM-KUSUM", "ref": "RJ198765432"`, "no option"},
		{"timeline out of order", "grievances.json", `"date": "2026-11-06"`, `"date": "2026-10-01"`, "older"},
		{"spec missing", specsFile, `{"kind": "grievance"`, `{"kind": "grievances"`, "0 specs for grievance"},
		{"trailing data", specsFile, "]\n", "]\n[]", "trailing"},
	} {
		files := maps.Clone(good)
		if !bytes.Contains(files[tt.file], []byte(tt.old)) {
			t.Fatalf("%s: %s does not contain %s", tt.name, tt.file, tt.old)
		}
		files[tt.file] = bytes.Replace(files[tt.file], []byte(tt.old), []byte(tt.new), 1)
		_, err := parseCatalogue(files)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseCatalogue(%s) = %v, want an error mentioning %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), aadhaar) {
			t.Errorf("parseCatalogue(%s) = %v: the error repeats the number", tt.name, err)
		}
	}
}

func FuzzParseCatalogue(f *testing.F) {
	good := readFiles(f)
	f.Add([]byte(`[]`), 0)
	f.Add(good["grievances.json"], 0)
	f.Add(good["beneficiaries.json"], 3)
	f.Add([]byte(`[{"ref":"2026-JPR-0000001","holder":"A B","title":"t","title_hi":"t","status":{"code":"REGISTERED","text":"x","text_hi":"x"},"office":{"name":"o","name_hi":"o"},"timeline":[{"date":"2026-01-01","text":"x","text_hi":"x"}]}]`), 0)
	f.Fuzz(func(t *testing.T, records []byte, kindIndex int) {
		if kindIndex < 0 || kindIndex >= len(status.Kinds) {
			return
		}
		kind := status.Kinds[kindIndex]
		files := maps.Clone(good)
		files[recordFiles[kind]] = records
		c, err := parseCatalogue(files)
		if err != nil {
			return
		}
		// Whatever was accepted serves only valid, masked answers.
		for k, rec := range c.records {
			r := serve(k.kind, k.ref, rec)
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted record %v serves an invalid answer: %v", k, err)
			}
			if rec.Mobile != "" && strings.Contains(r.Title+r.TitleHi+r.Status.Text, rec.Mobile) {
				t.Fatalf("accepted record %v shows its mobile", k)
			}
		}
	})
}

func TestFaultsDownAndBack(t *testing.T) {
	b := newBackend(t)
	ctx := context.Background()
	if err := b.SetFaults(Faults{Mode: ModeDown}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Specs(ctx); !errors.Is(err, status.ErrUnavailable) {
		t.Errorf("Specs(down) = %v, want ErrUnavailable", err)
	}
	if _, err := b.Lookup(ctx, status.Grievance, "2026-JPR-0123456", ""); !errors.Is(err, status.ErrUnavailable) {
		t.Errorf("Lookup(down) = %v, want ErrUnavailable", err)
	}
	b.SetFaults(Faults{})
	if _, err := b.Lookup(ctx, status.Grievance, "2026-JPR-0123456", ""); err != nil {
		t.Errorf("Lookup after down = %v", err)
	}
}

// TestFaultSlow runs in a synctest bubble: the delay is the sandbox's
// timer, not the test's wall clock.
func TestFaultSlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackend(t)
		b.SetFaults(Faults{Mode: ModeSlow, SlowMillis: 5000})
		start := time.Now()
		if _, err := b.Lookup(context.Background(), status.CourtCase, "RJJP010012342025", ""); err != nil {
			t.Fatalf("Lookup(slow) = %v", err)
		}
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("Lookup(slow) took %v, want 5s", got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start = time.Now()
		_, err := b.Lookup(ctx, status.CourtCase, "RJJP010012342025", "")
		if !errors.Is(err, status.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Lookup(slow, 2s deadline) = %v, want ErrUnavailable and DeadlineExceeded", err)
		}
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("Lookup(slow, 2s deadline) gave up after %v, want 2s", got)
		}
	})
}

func TestFaultsValidation(t *testing.T) {
	for _, tt := range []struct {
		in      Faults
		wantErr bool
		want    Faults
	}{
		{Faults{}, false, Faults{ModeOK, 3000}},
		{Faults{Mode: ModeSlow, SlowMillis: 250}, false, Faults{ModeSlow, 250}},
		{Faults{Mode: "explode"}, true, Faults{}},
		{Faults{Mode: ModeSlow, SlowMillis: -1}, true, Faults{}},
		{Faults{Mode: ModeSlow, SlowMillis: 600_001}, true, Faults{}},
	} {
		got, err := tt.in.normalize()
		if (err != nil) != tt.wantErr || !tt.wantErr && got != tt.want {
			t.Errorf("%+v.normalize() = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestHTTP checks every route's answers: status, JSON code, content type.
func TestHTTP(t *testing.T) {
	h := newBackend(t).Handler()
	for _, tt := range []struct {
		method, path, body string
		wantStatus         int
		wantCode           string
	}{
		{"GET", "/v1/status/specs", ``, 200, ""},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","ref":"2026-JPR-0123456"}`, 200, ""},
		{"POST", "/v1/status/lookup", `{"kind":"scheme-beneficiary","ref":"1089234567","option":"CHIRANJEEVI"}`, 200, ""},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","ref":"2026-JPR-0000000"}`, 404, CodeNoRecord},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","ref":"JPR"}`, 400, CodeInvalidRef},
		{"POST", "/v1/status/lookup", `{"kind":"ration","ref":"1"}`, 400, CodeInvalidRef},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","reference":"2026-JPR-0123456"}`, 400, CodeBadRequest},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","ref":"2026-JPR-0123456"} {}`, 400, CodeBadRequest},
		{"POST", "/v1/status/lookup", `{"kind":"grievance"`, 400, CodeBadRequest},
		{"POST", "/v1/status/lookup", strings.Repeat(" ", maxBody+1) + `{}`, 400, CodeBadRequest},
		{"GET", "/v1/status/lookup", ``, 405, CodeMethod},
		{"POST", "/v1/status/specs", ``, 405, CodeMethod},
		{"GET", "/v1/status/grievance/2026-JPR-0123456", ``, 404, CodeNoRoute},
		{"POST", "/sandbox/faults", `{"mode":"explode"}`, 400, CodeBadRequest},
		{"POST", "/sandbox/faults", `{"mode":"down"}`, 200, ""},
		{"GET", "/v1/status/specs", ``, 503, CodeUnavailable},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","ref":"2026-JPR-0123456"}`, 503, CodeUnavailable},
		{"GET", "/sandbox/faults", ``, 200, ""},
		{"POST", "/sandbox/faults", `{}`, 200, ""},
		{"POST", "/v1/status/lookup", `{"kind":"grievance","ref":"2026-JPR-0123456"}`, 200, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
		var ae struct{ Code, Message string }
		json.Unmarshal(rec.Body.Bytes(), &ae)
		body := tt.body
		if len(body) > 80 {
			body = body[:80] + "…"
		}
		if rec.Code != tt.wantStatus || ae.Code != tt.wantCode {
			t.Errorf("%s %s %s = %d %q, want %d %q (%s)", tt.method, tt.path, body, rec.Code, ae.Code, tt.wantStatus, tt.wantCode, rec.Body)
		}
		if tt.wantCode != "" && ae.Message == "" {
			t.Errorf("%s %s: error without a message", tt.method, tt.path)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q, want JSON", tt.method, tt.path, ct)
		}
	}
}

// FuzzLookupRequest sends arbitrary bodies to the look-up route: the
// answer is one of the documented ones, and a 200 is a valid answer to
// exactly the question the body asked.
func FuzzLookupRequest(f *testing.F) {
	h := newBackend(f).Handler()
	f.Add([]byte(`{"kind":"grievance","ref":"2026-JPR-0123456"}`))
	f.Add([]byte(`{"kind":"scheme-beneficiary","ref":"1089234567","option":"SSP-PENSION"}`))
	f.Add([]byte(`{"kind":"exam-result","ref":"1412345","option":"RBSE-10-2026"}`))
	f.Add([]byte(`{"kind":"court-case","ref":"rjjp010012342025"}x`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/status/lookup", bytes.NewReader(body)))
		switch rec.Code {
		case 200:
			var req LookupRequest
			if err := json.Unmarshal(body, &req); err != nil {
				t.Fatalf("200 for a body that does not decode: %q", body)
			}
			var r status.Result
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if err := r.Validate(); err != nil {
				t.Fatalf("200 with an invalid answer: %v", err)
			}
			if r.Kind != req.Kind || r.Option != req.Option || r.Ref != status.PrintedRef(req.Kind, status.NormalizeRef(req.Ref)) {
				t.Fatalf("asked %+v, answered %s %s %s", req, r.Kind, r.Option, r.Ref)
			}
		case 400, 404:
			var ae struct{ Code, Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &ae); err != nil || ae.Code == "" || ae.Message == "" {
				t.Fatalf("%d answer is not an API error: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("POST %q = %d %s", body, rec.Code, rec.Body)
		}
	})
}

// BenchmarkLookup measures a look-up through the HTTP handler, without a
// network: the back-end's own share of a kiosk's look-up.
func BenchmarkLookup(b *testing.B) {
	h := newBackend(b).Handler()
	body := []byte(`{"kind":"scheme-beneficiary","ref":"1089234567","option":"SSP-PENSION"}`)
	for range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/status/lookup", bytes.NewReader(body)))
		if rec.Code != 200 {
			b.Fatalf("POST /v1/status/lookup = %d %s", rec.Code, rec.Body)
		}
	}
}
