package docprint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/documents/docsandbox"
)

const dataDir = "../../testdata/documents"

var imprint = Imprint{KioskID: "RJ-JPR-0001", At: time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC)}

// printed is one shipped document as the kiosk gets it: found, ordered
// and downloaded through the sandbox, with the holder's full name from the
// data file for the OCR check.
type printed struct {
	doc     documents.Document
	content documents.Content
	holder  string
}

// shipped orders every issued document of testdata/documents.
func shipped(t testing.TB) []printed {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dataDir, "documents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct{ Kind, Ref, Status, Holder string }
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	s, err := docsandbox.NewFromDir(dataDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var out []printed
	for i, e := range entries {
		if e.Status != "issued" {
			continue
		}
		d, err := s.Find(ctx, documents.Kind(e.Kind), e.Ref)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("RJ-JPR-0001-20261125-%06d", i)
		if _, err := s.Order(ctx, documents.OrderRequest{IdempotencyKey: key, DocumentID: d.ID, Fee: d.Fee, KioskID: "RJ-JPR-0001"}); err != nil {
			t.Fatal(err)
		}
		c, err := s.Content(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, printed{d, c, e.Holder})
	}
	return out
}

// inkOutside returns the first inked pixel outside r, if any.
func inkOutside(p *image.Gray, r image.Rectangle) (image.Point, bool) {
	b := p.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !image.Pt(x, y).In(r) && p.GrayAt(x, y).Y < 0xC0 {
				return image.Pt(x, y), true
			}
		}
	}
	return image.Point{}, false
}

func inkRows(p *image.Gray, from, to int) int {
	n := 0
	for y := from; y < to; y++ {
		row := p.Pix[y*p.Stride : y*p.Stride+p.Bounds().Dx()]
		for _, v := range row {
			if v < 0x80 {
				n++
				break
			}
		}
	}
	return n
}

// TestRenderEveryDocument lays out every shipped document: A4 at 300 dpi,
// as many pages as the back-end announced, nothing in the margins, and the
// footer band inked on every page.
func TestRenderEveryDocument(t *testing.T) {
	kinds := map[documents.Kind]bool{}
	for _, p := range shipped(t) {
		pages, err := imprint.Render(p.content, 0)
		if err != nil {
			t.Errorf("Render(%s) = %v", p.doc.ID, err)
			continue
		}
		kinds[p.doc.Kind] = true
		if len(pages) != p.doc.Pages {
			t.Errorf("%s: %d pages, the back-end announced %d", p.doc.ID, len(pages), p.doc.Pages)
		}
		l := newLayout(DefaultDPI)
		printable := image.Rect(l.left, l.top, l.right, l.h-l.mm(marginMM))
		for i, pg := range pages {
			if got := pg.Bounds().Size(); got != image.Pt(2480, 3508) {
				t.Errorf("%s page %d: %v pixels, want A4 at 300 dpi (2480x3508)", p.doc.ID, i+1, got)
			}
			if at, ok := inkOutside(pg, printable); ok {
				t.Errorf("%s page %d: ink in the margin at %v", p.doc.ID, i+1, at)
			}
			if inkRows(pg, l.bottom, l.h) < 40 {
				t.Errorf("%s page %d: no footer", p.doc.ID, i+1)
			}
		}
	}
	for _, k := range documents.Kinds {
		if !kinds[k] {
			t.Errorf("kind %s: nothing rendered", k)
		}
	}
}

func TestRenderRefusals(t *testing.T) {
	good := documents.Content{DocumentID: "D1", Title: "Caste Certificate", TitleHi: "जाति प्रमाण पत्र", VerifyQR: "RJDV1|D1",
		Fields: []documents.Field{{Label: "Name", LabelHi: "नाम", Value: "Kamla Bhil"}}}
	if _, err := imprint.Render(good, 0); err != nil {
		t.Fatalf("Render(good) = %v", err)
	}
	aadhaar := good
	aadhaar.Fields = []documents.Field{{Label: "Aadhaar", LabelHi: "आधार", Value: "2345 6789 0123"}}
	noQR := good
	noQR.VerifyQR = ""
	badMap := good
	badMap.MapPNG = []byte("not a png")
	for name, c := range map[string]documents.Content{"full Aadhaar": aadhaar, "no QR": noQR, "bad map": badMap} {
		if _, err := imprint.Render(c, 0); !errors.Is(err, ErrUnprintable) {
			t.Errorf("Render(%s) = %v, want ErrUnprintable", name, err)
		}
	}
	if _, err := (Imprint{}).Render(good, 0); err == nil {
		t.Errorf("Render without kiosk id succeeded")
	}
	if _, err := imprint.Render(good, 20); err == nil {
		t.Errorf("Render at 20 dpi succeeded")
	}
}

// TestWrapKeepsSyllables: a Devanagari word broken for a narrow column
// never starts a piece with a vowel sign or ends one with a virama.
func TestWrapKeepsSyllables(t *testing.T) {
	word := "प्रमाणपत्रक्षत्रियविद्यालयमुद्रित"
	pieces, err := breakWord(word, 40, false, 120)
	if err != nil {
		t.Fatal(err)
	}
	if len(pieces) < 2 || strings.Join(pieces, "") != word {
		t.Fatalf("breakWord = %q", pieces)
	}
	for _, p := range pieces {
		r := []rune(p)
		if unicode.In(r[0], unicode.Mn, unicode.Mc) || r[len(r)-1] == '\u094D' {
			t.Errorf("piece %q tears a syllable", p)
		}
	}
	lines, err := wrap("Ram Niwas s/o Kana Ram Jat / राम निवास पुत्र काना राम जाट", 40, false, 400)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Width > 400 {
			t.Errorf("wrapped line of %d pixels, limit 400", l.Width)
		}
	}
	if len(lines) < 3 {
		t.Errorf("wrap gave %d lines, want several", len(lines))
	}
}

func find(t testing.TB, all []printed, kind documents.Kind) printed {
	for _, p := range all {
		if p.doc.Kind == kind {
			return p
		}
	}
	t.Fatalf("no shipped %s", kind)
	return printed{}
}

func writePNG(t testing.TB, img image.Image, name string) string {
	path := filepath.Join(t.TempDir(), name)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tool finds an external checker: in CI its absence is a failure, on a
// developer's machine a skip saying what to install.
func tool(t *testing.T, name, apt string) string {
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing in CI: apt-get install %s", name, apt)
		}
		t.Skipf("%s not installed (apt-get install %s)", name, apt)
	}
	return path
}

// TestQRDecodes reads the verification QR back with zbarimg, an
// independent decoder, from the last page of a one-page and a two-page
// document.
func TestQRDecodes(t *testing.T) {
	zbar := tool(t, "zbarimg", "zbar-tools")
	all := shipped(t)
	for _, kind := range []documents.Kind{documents.Naksha, documents.JanAadhaarCard} {
		p := find(t, all, kind)
		pages, err := imprint.Render(p.content, 0)
		if err != nil {
			t.Fatal(err)
		}
		path := writePNG(t, pages[len(pages)-1], "page.png")
		out, err := exec.Command(zbar, "--nodbus", "--raw", "-q", path).Output()
		if err != nil {
			t.Fatalf("zbarimg %s: %v", kind, err)
		}
		if got := strings.TrimSpace(string(out)); got != p.content.VerifyQR {
			t.Errorf("%s: QR reads %q, want %q", kind, got, p.content.VerifyQR)
		}
	}
}

// ocr runs tesseract on the top part of page (title and first fields).
func ocr(t *testing.T, tess string, page *image.Gray, lang string) string {
	crop := page.SubImage(image.Rect(0, 0, page.Bounds().Dx(), page.Bounds().Dy()*2/5))
	path := writePNG(t, crop, "top.png")
	out, err := exec.Command(tess, path, "stdout", "-l", lang, "--psm", "3").Output()
	if err != nil {
		t.Fatalf("tesseract -l %s: %v", lang, err)
	}
	return string(out)
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// bestMatch is the smallest normalised edit distance between want and any
// run of words of text of about want's length (case and spacing ignored).
func bestMatch(text, want string) float64 {
	words := strings.Fields(strings.ToLower(text))
	w := []rune(strings.Join(strings.Fields(strings.ToLower(want)), " "))
	n := len(strings.Fields(want))
	best := 1.0
	for size := max(n-1, 1); size <= n+1; size++ {
		for i := 0; i+size <= len(words); i++ {
			cand := []rune(strings.Join(words[i:i+size], " "))
			d := float64(distance(cand, w)) / float64(max(len(cand), len(w)))
			best = min(best, d)
		}
	}
	return best
}

// TestOCR reads the rendered certificate with tesseract, a reader that
// knows nothing of our fonts or layout: the English title and the holder's
// full name in English, and the Hindi title with the Hindi model, must be
// recognised (normalised edit distance at most 0.2).
func TestOCR(t *testing.T) {
	tess := tool(t, "tesseract", "tesseract-ocr tesseract-ocr-hin")
	if out, err := exec.Command(tess, "--list-langs").CombinedOutput(); err != nil || !strings.Contains(string(out), "hin") {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tesseract has no Hindi model in CI: apt-get install tesseract-ocr-hin")
		}
		t.Skip("tesseract has no Hindi model (apt-get install tesseract-ocr-hin)")
	}
	all := shipped(t)
	for _, kind := range []documents.Kind{documents.Domicile, documents.Caste, documents.PoliceCharacter, documents.Disability} {
		p := find(t, all, kind)
		pages, err := imprint.Render(p.content, 0)
		if err != nil {
			t.Fatal(err)
		}
		eng := ocr(t, tess, pages[0], "eng")
		for _, want := range []string{p.content.Title, p.holder} {
			if d := bestMatch(eng, want); d > 0.2 {
				t.Errorf("%s: %q not read by tesseract -l eng (distance %.2f); it read:\n%s", kind, want, d, eng)
			}
		}
		hin := ocr(t, tess, pages[0], "hin")
		if d := bestMatch(hin, p.content.TitleHi); d > 0.2 {
			t.Errorf("%s: %q not read by tesseract -l hin (distance %.2f); it read:\n%s", kind, p.content.TitleHi, d, hin)
		}
	}
}

func TestBestMatch(t *testing.T) {
	for _, tt := range []struct {
		text, want string
		max        float64
	}{
		{"foo Domicile Certificate bar", "Domicile Certificate", 0},
		{"Domicle Certiflcate", "Domicile Certificate", 0.2},
		{"Caste Certificate", "Domicile Certificate", 1},
	} {
		if got := bestMatch(tt.text, tt.want); got > tt.max || tt.max == 1 && got < 0.2 {
			t.Errorf("bestMatch(%q, %q) = %.2f", tt.text, tt.want, got)
		}
	}
}

// BenchmarkRenderJamabandi lays out the two-page jamabandi (58 khasras).
func BenchmarkRenderJamabandi(b *testing.B) {
	var c documents.Content
	for _, p := range shipped(b) {
		if p.doc.Kind == documents.Jamabandi && p.doc.Pages == 2 {
			c = p.content
		}
	}
	if c.DocumentID == "" {
		b.Fatal("no two-page jamabandi in testdata/documents")
	}
	for b.Loop() {
		pages, err := imprint.Render(c, 0)
		if err != nil || len(pages) != 2 {
			b.Fatalf("Render = %d pages, %v", len(pages), err)
		}
	}
}
