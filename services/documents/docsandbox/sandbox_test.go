package docsandbox

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
)

const dataDir = "../../../testdata/documents"

var ctx = context.Background()

func newSandbox(t testing.TB, state string) *Sandbox {
	t.Helper()
	s, err := NewFromDir(dataDir, state)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func orderFor(d documents.Document, key string) documents.OrderRequest {
	return documents.OrderRequest{IdempotencyKey: key, DocumentID: d.ID, Fee: d.Fee, KioskID: "RJ-JPR-0001"}
}

func mustFind(t *testing.T, s documents.Service, kind documents.Kind, ref string) documents.Document {
	t.Helper()
	d, err := s.Find(ctx, kind, ref)
	if err != nil {
		t.Fatalf("Find(%s, %s) = %v", kind, ref, err)
	}
	return d
}

// TestShippedData checks that testdata/documents loads and that every kind
// has at least two issued documents a tester can order and print, and that
// the not-ready cases exist.
func TestShippedData(t *testing.T) {
	s := newSandbox(t, t.TempDir())
	issued := map[documents.Kind]int{}
	pending := 0
	for _, d := range s.cat.docs {
		switch d.Status {
		case stateIssued:
			issued[d.Kind]++
		case statePending:
			pending++
		}
	}
	for _, k := range documents.Kinds {
		if issued[k] < 2 {
			t.Errorf("kind %s: %d issued documents, want at least 2", k, issued[k])
		}
	}
	if pending < 3 {
		t.Errorf("%d pending applications, want at least 3", pending)
	}
	specs, err := s.Specs(ctx)
	if err != nil || len(specs) != len(documents.Kinds) {
		t.Fatalf("Specs() = %d specs, %v", len(specs), err)
	}
	for i, sp := range specs {
		if sp.Kind != documents.Kinds[i] || sp.Pattern == "" || sp.LabelHi == "" {
			t.Errorf("Specs()[%d] = %+v", i, sp)
		}
	}
	// Every issued document can be found, ordered and its content is
	// complete, bilingual, and free of any full Aadhaar number.
	for i, d := range s.cat.docs {
		if d.Status != stateIssued {
			continue
		}
		doc := mustFind(t, s, d.Kind, d.Ref)
		if doc.Holder == d.Holder || !strings.Contains(doc.Holder, "*") {
			t.Errorf("Find(%s, %s).Holder = %q: not masked", d.Kind, d.Ref, doc.Holder)
		}
		o, err := s.Order(ctx, orderFor(doc, "K-"+string(rune('a'+i%26))+d.Ref[len(d.Ref)-3:]+string(d.Kind)))
		if err != nil || o.Status != documents.Success {
			t.Fatalf("Order(%s) = %+v, %v", doc.ID, o, err)
		}
		c, err := s.Content(ctx, o.IdempotencyKey)
		if err != nil {
			t.Fatalf("Content(%s) = %v", o.IdempotencyKey, err)
		}
		if c.DocumentID != doc.ID || c.Title == "" || c.TitleHi == "" || c.VerifyQR == "" || len(c.Fields) < 3 {
			t.Errorf("Content of %s = %+v", doc.ID, c)
		}
		if d.Kind == documents.Naksha {
			if _, err := png.Decode(bytes.NewReader(c.MapPNG)); err != nil {
				t.Errorf("naksha %s map: %v", doc.ID, err)
			}
		}
		if !strings.Contains(fieldsText(c), d.Holder) {
			t.Errorf("content of %s does not carry the holder's full name %q", doc.ID, d.Holder)
		}
	}
}

func fieldsText(c documents.Content) string {
	var b strings.Builder
	for _, f := range c.Fields {
		b.WriteString(f.Value + "\n")
	}
	for _, t := range c.Tables {
		for _, r := range t.Rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
	}
	return b.String()
}

func TestFind(t *testing.T) {
	s := newSandbox(t, t.TempDir())
	for _, tt := range []struct {
		kind documents.Kind
		ref  string
		want error
	}{
		{documents.Domicile, "2026030012345", nil},
		{documents.Domicile, "2026030099999", documents.ErrNotFound},
		{documents.Domicile, "2026110004410", documents.ErrNotReady},
		{documents.Domicile, "2026090001212", documents.ErrNotFound}, // rejected
		{documents.Domicile, "20260300123", documents.ErrInvalidRef},
		{documents.Birth, "B-2026:08-12503-000417", nil},
		{documents.Birth, "B2026081250300041", documents.ErrInvalidRef},
		{documents.AadhaarCard, "9137248810654321", nil},
		{documents.AadhaarCard, "123412341234", documents.ErrInvalidRef}, // an Aadhaar number is not a VID
		{"ration-card", "1234", ErrUnknownKind},
	} {
		d, err := s.Find(ctx, tt.kind, tt.ref)
		if tt.want == nil {
			if err != nil || d.Ref != tt.ref || d.Kind != tt.kind || d.Fee <= 0 || d.Pages < 1 {
				t.Errorf("Find(%s, %s) = %+v, %v", tt.kind, tt.ref, d, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("Find(%s, %s) = %v, want %v", tt.kind, tt.ref, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), tt.ref) {
			t.Errorf("Find(%s, %s) error repeats the reference: %v", tt.kind, tt.ref, err)
		}
	}
}

func TestOrderValidationAndIdempotency(t *testing.T) {
	state := t.TempDir()
	s := newSandbox(t, state)
	doc := mustFind(t, s, documents.Caste, "2026040023456")
	other := mustFind(t, s, documents.Caste, "2026060045678")
	for _, tt := range []struct {
		name string
		req  documents.OrderRequest
		want error
	}{
		{"bad key", orderFor(doc, "has space"), ErrBadRequest},
		{"no kiosk", documents.OrderRequest{IdempotencyKey: "K1", DocumentID: doc.ID, Fee: doc.Fee}, ErrBadRequest},
		{"unknown document", documents.OrderRequest{IdempotencyKey: "K1", DocumentID: "RJ/CST/0", Fee: doc.Fee, KioskID: "K"}, documents.ErrNotFound},
		{"fee short", documents.OrderRequest{IdempotencyKey: "K1", DocumentID: doc.ID, Fee: doc.Fee - 100, KioskID: "K"}, ErrFee},
	} {
		if _, err := s.Order(ctx, tt.req); !errors.Is(err, tt.want) {
			t.Errorf("Order(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
	first, err := s.Order(ctx, orderFor(doc, "RJ-JPR-0001-20261125-000001"))
	if err != nil || first.Status != documents.Success || !strings.HasPrefix(first.Ref, "EMD") {
		t.Fatalf("Order = %+v, %v", first, err)
	}
	again, err := s.Order(ctx, orderFor(doc, first.IdempotencyKey))
	if err != nil || again != first {
		t.Errorf("repeat Order = %+v, %v; want the original %+v", again, err, first)
	}
	if _, err := s.Order(ctx, orderFor(other, first.IdempotencyKey)); !errors.Is(err, ErrKeyConflict) {
		t.Errorf("Order(same key, other document) = %v, want ErrKeyConflict", err)
	}
	if n := len(s.Orders()); n != 1 {
		t.Errorf("%d orders recorded, want 1", n)
	}
	s.Close()
	// After a restart the key is still known, with the same answer.
	s2 := newSandbox(t, state)
	if got, err := s2.Order(ctx, orderFor(doc, first.IdempotencyKey)); err != nil || !got.PostedAt.Equal(first.PostedAt) || got.Ref != first.Ref {
		t.Errorf("Order after restart = %+v, %v; want %+v", got, err, first)
	}
	if len(s2.Orders()) != 1 {
		t.Errorf("orders after restart = %+v", s2.Orders())
	}
}

func TestFaults(t *testing.T) {
	state := t.TempDir()
	s := newSandbox(t, state)
	doc := mustFind(t, s, documents.Jamabandi, "076315-42")

	s.SetFaults(Faults{Find: FindDown})
	if _, err := s.Find(ctx, documents.Jamabandi, "076315-42"); !errors.Is(err, documents.ErrUnavailable) {
		t.Errorf("Find under find=down = %v", err)
	}
	if _, err := s.Specs(ctx); !errors.Is(err, documents.ErrUnavailable) {
		t.Errorf("Specs under find=down = %v", err)
	}

	s.SetFaults(Faults{Order: OrderFail})
	o, err := s.Order(ctx, orderFor(doc, "F1"))
	if err != nil || o.Status != documents.Failure || o.Reason == "" || o.Ref != "" {
		t.Errorf("Order under order=fail = %+v, %v", o, err)
	}
	if _, err := s.Content(ctx, "F1"); !errors.Is(err, documents.ErrNotPaid) {
		t.Errorf("Content of a failed order = %v, want ErrNotPaid", err)
	}

	s.SetFaults(Faults{Order: OrderPending, PendingPolls: 3})
	if o, err := s.Order(ctx, orderFor(doc, "P1")); err != nil || o.Status != documents.Pending {
		t.Fatalf("Order under order=pending = %+v, %v", o, err)
	}
	if _, err := s.Content(ctx, "P1"); !errors.Is(err, documents.ErrNotPaid) {
		t.Errorf("Content of a pending order = %v, want ErrNotPaid", err)
	}
	var statuses []documents.Status
	for range 3 {
		o, err := s.OrderStatus(ctx, "P1")
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, o.Status)
	}
	if want := []documents.Status{documents.Pending, documents.Pending, documents.Success}; !slices.Equal(statuses, want) {
		t.Errorf("polls = %v, want %v", statuses, want)
	}

	s.SetFaults(Faults{Order: OrderLost})
	if _, err := s.Order(ctx, orderFor(doc, "L1")); !errors.Is(err, documents.ErrUnavailable) {
		t.Errorf("Order under lost-reply = %v, want ErrUnavailable", err)
	}
	s.SetFaults(Faults{Order: OrderDown})
	for name, err := range map[string]error{
		"Order":       second(s.Order(ctx, orderFor(doc, "D1"))),
		"OrderStatus": second(s.OrderStatus(ctx, "L1")),
		"Content":     second(s.Content(ctx, "L1")),
	} {
		if !errors.Is(err, documents.ErrUnavailable) {
			t.Errorf("%s under order=down = %v", name, err)
		}
	}
	s.SetFaults(Faults{})
	if o, err := s.OrderStatus(ctx, "L1"); err != nil || o.Status != documents.Success {
		t.Errorf("status of the lost reply's order = %+v, %v; want SUCCESS", o, err)
	}
	if o, err := s.OrderStatus(ctx, "never"); err != nil || o.Status != documents.Unknown {
		t.Errorf("OrderStatus(never) = %+v, %v", o, err)
	}
	if err := s.SetFaults(Faults{Order: "slow"}); err == nil {
		t.Errorf("SetFaults(order=slow) succeeded")
	}
	// The PENDING → SUCCESS change survived in the ledger.
	s.Close()
	s2 := newSandbox(t, state)
	if o, _ := s2.OrderStatus(ctx, "P1"); o.Status != documents.Success {
		t.Errorf("P1 after restart = %+v", o)
	}
}

func second[T any](_ T, err error) error { return err }

func TestParseCatalogueRefusals(t *testing.T) {
	kinds, err := os.ReadFile(filepath.Join(dataDir, kindsFile))
	if err != nil {
		t.Fatal(err)
	}
	good := `{"id":"X/1","kind":"caste","ref":"2026040023456","status":"issued","holder":"A B","issued_on":"2026-01-02","issuer":"SDM","fields":[{"label":"L","label_hi":"ल","value":"%s"}]}`
	for _, tt := range []struct {
		name, docs, want string
	}{
		{"ok", "[" + strings.Replace(good, "%s", "v", 1) + "]", ""},
		{"full aadhaar", "[" + strings.Replace(good, "%s", "Aadhaar 2345 6789 0123", 1) + "]", "unmasked Aadhaar"},
		{"bare aadhaar", "[" + strings.Replace(good, "%s", "234567890123", 1) + "]", "unmasked Aadhaar"},
		{"bad ref", `[{"kind":"caste","ref":"12","status":"pending","holder":"A","issuer":"SDM"}]`, "pattern"},
		{"unknown field", `[{"kind":"caste","ref":"2026040023456","status":"pending","holder":"A","issuer":"SDM","colour":1}]`, "unknown field"},
		{"bad status", `[{"kind":"caste","ref":"2026040023456","status":"lost","holder":"A","issuer":"SDM"}]`, "status"},
		{"duplicate", "[" + strings.Replace(good, "%s", "v", 1) + "," + strings.Replace(good, "%s", "v", 1) + "]", "twice"},
		{"issued without fields", `[{"id":"X","kind":"caste","ref":"2026040023456","status":"issued","holder":"A","issued_on":"2026-01-02","issuer":"SDM"}]`, "fields"},
		{"naksha without map", strings.Replace(strings.Replace("["+good+"]", "caste", "naksha", 1), "2026040023456", "081234-1", 1), "map"},
	} {
		_, err := parseCatalogue(kinds, []byte(tt.docs))
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("parseCatalogue(%s) = %v, want %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "2345 6789 0123") {
			t.Errorf("parseCatalogue(%s) error repeats the Aadhaar number", tt.name)
		}
	}
	if _, err := parseCatalogue([]byte(`[]`), []byte(`[]`)); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("parseCatalogue(no kinds) = %v", err)
	}
}

func FuzzParseCatalogue(f *testing.F) {
	kinds, err := os.ReadFile(filepath.Join(dataDir, kindsFile))
	if err != nil {
		f.Fatal(err)
	}
	docs, err := os.ReadFile(filepath.Join(dataDir, documentsFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(docs)
	f.Add([]byte(`[{"kind":"naksha","ref":"081234-1","status":"issued","id":"N","holder":"A","issuer":"T","issued_on":"2026-01-01","fields":[{"label":"a","label_hi":"b","value":"c"}],"map":{"width":10,"height":10,"highlight":"1","plots":[{"khasra":"1","points":[[0,0],[10,0],[10,10]]}]}}]`))
	f.Fuzz(func(t *testing.T, docs []byte) {
		c, err := parseCatalogue(kinds, docs)
		if err != nil {
			return
		}
		for _, d := range c.docs {
			if d.Status == stateIssued && (d.ID == "" || len(d.Fields) == 0) {
				t.Errorf("accepted an issued document without id or fields: %+v", d)
			}
			for _, f := range d.Fields {
				if documents.ContainsFullAadhaar(f.Value) {
					t.Errorf("accepted an unmasked Aadhaar number: %q", f.Value)
				}
			}
		}
	})
}

func record(key string, status documents.Status) string {
	ref := ""
	if status == documents.Success {
		ref = `,"ref":"EMD1"`
	}
	return `{"idempotency_key":"` + key + `","document_id":"D","status":"` + string(status) + `","fee":2000` + ref + `,"posted_at":"2026-11-25T06:30:00Z"}`
}

func TestParseLedger(t *testing.T) {
	a, b := record("A", documents.Success), record("B", documents.Pending)
	for _, tt := range []struct {
		name    string
		in      string
		records int
		torn    int
		wantErr bool
	}{
		{"empty", "", 0, 0, false},
		{"two", a + "\n" + b + "\n", 2, 0, false},
		{"torn tail", a + "\n" + b[:20], 1, 20, false},
		{"unterminated last", a + "\n" + b, 2, 0, false},
		{"damage then good record", a + "\n{oops}\n" + b + "\n", 0, 0, true},
		{"success without ref", strings.Replace(a, `,"ref":"EMD1"`, "", 1) + "\n", 0, len(a) - len(`,"ref":"EMD1"`) + 1, false},
	} {
		lc, err := jsonledger.Parse[orderRecord]([]byte(tt.in))
		if (err != nil) != tt.wantErr || err == nil && (len(lc.Records) != tt.records || lc.TornBytes != tt.torn) {
			t.Errorf("parseLedger(%s) = %d records, %d torn, %v", tt.name, len(lc.Records), lc.TornBytes, err)
		}
	}
}

func FuzzParseLedger(f *testing.F) {
	f.Add([]byte(record("A", documents.Success) + "\n" + record("B", documents.Failure) + "\n"))
	f.Add([]byte(record("A", documents.Pending) + "\n" + record("A", documents.Success)[:30]))
	f.Fuzz(func(t *testing.T, b []byte) {
		lc, err := jsonledger.Parse[orderRecord](b)
		if err != nil {
			return
		}
		if lc.Keep > len(b) || lc.Keep+lc.TornBytes != len(b) && lc.TornBytes != 0 {
			t.Fatalf("keep %d torn %d of %d bytes", lc.Keep, lc.TornBytes, len(b))
		}
		for _, r := range lc.Records {
			if r.Check() != nil {
				t.Fatalf("kept a record that fails check: %+v", r)
			}
		}
	})
}

func TestTornLedgerIsCut(t *testing.T) {
	state := t.TempDir()
	s := newSandbox(t, state)
	doc := mustFind(t, s, documents.Birth, "B-2026:08-12503-000417")
	if _, err := s.Order(ctx, orderFor(doc, "T1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	path := filepath.Join(state, LedgerFile)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"idempotency_key":"T2","docu`)
	f.Close()
	s2 := newSandbox(t, state)
	if !strings.Contains(s2.LoadReport, "torn") || len(s2.Orders()) != 1 {
		t.Errorf("LoadReport %q, orders %+v", s2.LoadReport, s2.Orders())
	}
	if o, err := s2.Order(ctx, orderFor(doc, "T2")); err != nil || o.Status != documents.Success {
		t.Errorf("Order(T2) after repair = %+v, %v", o, err)
	}
}

func TestHTTPErrors(t *testing.T) {
	s := newSandbox(t, t.TempDir())
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	doc := mustFind(t, s, documents.Death, "D-2026:08-12503-000188")
	orderBody := `{"idempotency_key":"H1","document_id":"` + doc.ID + `","fee":` + strconv.FormatInt(int64(doc.Fee), 10) + `,"kiosk_id":"K"}`
	for _, tt := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"GET", "/v1/documents/specs", "", 200, ""},
		{"POST", "/v1/documents/find", `{"kind":"death","ref":"D-2026:08-12503-000188"}`, 200, ""},
		{"POST", "/v1/documents/find", `{"kind":"death","ref":"D-2026:08-12503-000188","x":1}`, 400, CodeBadRequest},
		{"POST", "/v1/documents/find", `{"kind":"death","ref":"x"}`, 400, CodeInvalidRef},
		{"POST", "/v1/documents/find", `{"kind":"pan","ref":"x"}`, 400, CodeUnknownKind},
		{"POST", "/v1/documents/find", `{"kind":"death","ref":"D-2026:08-12503-000999"}`, 404, CodeNoDocument},
		{"POST", "/v1/documents/find", `{"kind":"birth","ref":"B-2026:08-12503-000999"}`, 409, CodeNotReady},
		{"GET", "/v1/documents/orders/H1/content", "", 409, CodeNotPaid},
		{"POST", "/v1/documents/orders", strings.Replace(orderBody, `"fee":`, `"fee":1`, 1), 409, CodeFeeMismatch},
		{"POST", "/v1/documents/orders", orderBody, 200, ""},
		{"POST", "/v1/documents/orders", strings.Replace(orderBody, doc.ID, "D-2026:08-31007-000052", 1), 409, CodeKeyConflict},
		{"GET", "/v1/documents/orders/H1", "", 200, ""},
		{"GET", "/v1/documents/orders/H1/content", "", 200, ""},
		{"GET", "/v1/documents/orders/nope", "", 404, ""},
		{"GET", "/v1/documents/find", "", 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "/v1/documents/orders/H1", "", 405, "METHOD_NOT_ALLOWED"},
		{"GET", "/v1/nothing", "", 404, "NOT_FOUND"},
		{"POST", "/sandbox/documents/faults", `{"order":"sideways"}`, 400, CodeBadRequest},
		{"POST", "/sandbox/documents/faults", `{"find":"down"}`, 200, ""},
		{"POST", "/v1/documents/find", `{"kind":"death","ref":"D-2026:08-12503-000188"}`, 503, CodeUnavailable},
		{"GET", "/sandbox/documents/orders", "", 200, ""},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || tt.code != "" && !strings.Contains(string(b), `"code":"`+tt.code+`"`) {
			t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, resp.StatusCode, b, tt.status, tt.code)
		}
	}
}

func TestMapDrawing(t *testing.T) {
	m := &mapSheet{Width: 100, Height: 80, Highlight: "7", Plots: []mapPlot{{Khasra: "7", Points: [][2]int{{10, 10}, {90, 10}, {90, 70}, {10, 70}}}}}
	b, err := drawMap(m)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Dx(); got != 100*mapScale {
		t.Errorf("map width %d, want %d", got, 100*mapScale)
	}
	// Inside the highlighted plot, away from its label: shaded.
	if r, _, _, _ := img.At(15*mapScale, 60*mapScale).RGBA(); r>>8 != 0xC8 {
		t.Errorf("highlighted plot pixel = %#x, want 0xC8", r>>8)
	}
	// Outside every plot: white.
	if r, _, _, _ := img.At(2, 2*mapScale+40).RGBA(); r>>8 != 0xFF {
		t.Errorf("outside pixel = %#x, want white", r>>8)
	}
	m.Highlight = "8"
	if _, err := drawMap(m); err == nil {
		t.Errorf("drawMap with a highlight not on the sheet succeeded")
	}
}

func BenchmarkLoadCatalogue(b *testing.B) {
	data := os.DirFS(dataDir)
	for b.Loop() {
		if _, err := loadCatalogue(data); err != nil {
			b.Fatal(err)
		}
	}
}
