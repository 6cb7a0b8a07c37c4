package docsandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"regexp"
	"slices"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/typeface"
	"github.com/mitra-kiosk/mitra/services/documents"
)

// Names of the data files in the data directory.
const (
	kindsFile     = "kinds.json"
	documentsFile = "documents.json"
)

// kindRecord is one entry of kinds.json: what to type, the bilingual
// title and the department's fee for a print.
type kindRecord struct {
	documents.RefSpec
	Title   string      `json:"title"`
	TitleHi string      `json:"title_hi"`
	Fee     money.Paise `json:"fee"`
}

// Application states in documents.json.
const (
	stateIssued   = "issued"
	statePending  = "pending"  // not decided yet: documents.ErrNotReady
	stateRejected = "rejected" // no document will be issued: documents.ErrNotFound
)

// mapPlot is one plot of a naksha sheet: its khasra number and outline in
// sheet units.
type mapPlot struct {
	Khasra string   `json:"khasra"`
	Points [][2]int `json:"points"`
}

// mapSheet describes a naksha's map; the PNG is drawn from it at load.
type mapSheet struct {
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	Highlight string    `json:"highlight"` // the khasra the citizen asked for
	Plots     []mapPlot `json:"plots"`
}

// docRecord is one application as stored in documents.json. The holder's
// name is stored in full: it is masked in a Document and printed in full on
// the Content.
type docRecord struct {
	ID       string            `json:"id"`
	Kind     documents.Kind    `json:"kind"`
	Ref      string            `json:"ref"`
	Status   string            `json:"status"`
	Holder   string            `json:"holder"`
	IssuedOn string            `json:"issued_on"`
	Issuer   string            `json:"issuer"`
	Pages    int               `json:"pages"`
	Fee      money.Paise       `json:"fee"` // overrides the kind's fee when set
	Fields   []documents.Field `json:"fields"`
	Tables   []documents.Table `json:"tables"`
	Map      *mapSheet         `json:"map"`
	Note     string            `json:"note"` // for testers: why this entry is here

	mapPNG []byte // drawn from Map at load
}

// refKey indexes applications by what the citizen types.
type refKey struct {
	kind documents.Kind
	ref  string
}

// catalogue is the sandbox's immutable data.
type catalogue struct {
	kinds    map[documents.Kind]kindRecord
	patterns map[documents.Kind]*regexp.Regexp
	byRef    map[refKey]*docRecord
	byID     map[string]*docRecord
	docs     []*docRecord // in file order
}

// dateRE is the YYYY-MM-DD of Document.IssuedOn.
var dateRE = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)

// loadCatalogue reads kinds.json and documents.json from data.
func loadCatalogue(data fs.FS) (*catalogue, error) {
	kinds, err := fs.ReadFile(data, kindsFile)
	if err != nil {
		return nil, fmt.Errorf("docsandbox: data: %w", err)
	}
	docs, err := fs.ReadFile(data, documentsFile)
	if err != nil {
		return nil, fmt.Errorf("docsandbox: data: %w", err)
	}
	return parseCatalogue(kinds, docs)
}

// parseCatalogue decodes and checks the data files. A mistake stops the
// start naming the entry to fix: a typo must not surface as a wrong
// certificate at a kiosk, and an unmasked Aadhaar number must never be
// served at all.
func parseCatalogue(kindsJSON, docsJSON []byte) (*catalogue, error) {
	c := &catalogue{kinds: map[documents.Kind]kindRecord{}, patterns: map[documents.Kind]*regexp.Regexp{},
		byRef: map[refKey]*docRecord{}, byID: map[string]*docRecord{}}
	var kinds []kindRecord
	if err := strictUnmarshal(kindsJSON, &kinds); err != nil {
		return nil, fmt.Errorf("docsandbox: data: %s: %w", kindsFile, err)
	}
	for i, k := range kinds {
		where := fmt.Sprintf("docsandbox: data: %s: entry #%d (%s)", kindsFile, i+1, k.Kind)
		switch {
		case !slices.Contains(documents.Kinds, k.Kind):
			return nil, fmt.Errorf("%s: unknown kind", where)
		case k.Title == "" || k.TitleHi == "" || k.Label == "" || k.LabelHi == "":
			return nil, fmt.Errorf("%s: title, title_hi, label and label_hi are required", where)
		case k.Fee <= 0:
			return nil, fmt.Errorf("%s: fee %d paise: must be positive", where, k.Fee)
		case k.Keyboard != "numeric" && k.Keyboard != "alphanumeric":
			return nil, fmt.Errorf("%s: keyboard %q: use numeric or alphanumeric", where, k.Keyboard)
		}
		if _, dup := c.kinds[k.Kind]; dup {
			return nil, fmt.Errorf("%s: kind listed twice", where)
		}
		re, err := regexp.Compile(k.Pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: pattern: %w", where, err)
		}
		if !re.MatchString(k.Example) {
			return nil, fmt.Errorf("%s: example %q does not match the pattern", where, k.Example)
		}
		c.kinds[k.Kind], c.patterns[k.Kind] = k, re
	}
	for _, k := range documents.Kinds {
		if _, ok := c.kinds[k]; !ok {
			return nil, fmt.Errorf("docsandbox: data: %s: kind %s is missing", kindsFile, k)
		}
	}
	var docs []*docRecord
	if err := strictUnmarshal(docsJSON, &docs); err != nil {
		return nil, fmt.Errorf("docsandbox: data: %s: %w", documentsFile, err)
	}
	for i, d := range docs {
		where := fmt.Sprintf("docsandbox: data: %s: entry #%d (%s %s)", documentsFile, i+1, d.Kind, d.Ref)
		if err := c.check(d); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		k := refKey{d.Kind, d.Ref}
		if _, dup := c.byRef[k]; dup {
			return nil, fmt.Errorf("%s: reference listed twice", where)
		}
		c.byRef[k] = d
		if d.Status == stateIssued {
			if _, dup := c.byID[d.ID]; dup {
				return nil, fmt.Errorf("%s: document id %s listed twice", where, d.ID)
			}
			c.byID[d.ID] = d
		}
		if d.Map != nil {
			png, err := drawMap(d.Map)
			if err != nil {
				return nil, fmt.Errorf("%s: map: %w", where, err)
			}
			d.mapPNG = png
		}
		c.docs = append(c.docs, d)
	}
	return c, nil
}

// check validates one application against its kind.
func (c *catalogue) check(d *docRecord) error {
	re, ok := c.patterns[d.Kind]
	switch {
	case !ok:
		return errors.New("unknown kind")
	case !re.MatchString(d.Ref):
		return errors.New("ref does not match the kind's pattern")
	case d.Holder == "" || d.Issuer == "":
		return errors.New("holder and issuer are required")
	case d.Fee < 0 || d.Pages < 0:
		return errors.New("negative fee or pages")
	}
	switch d.Status {
	case statePending, stateRejected:
		return nil
	case stateIssued:
	default:
		return fmt.Errorf("status %q: use issued, pending or rejected", d.Status)
	}
	switch {
	case d.ID == "" || !dateRE.MatchString(d.IssuedOn):
		return errors.New("an issued document needs id and issued_on (YYYY-MM-DD)")
	case len(d.Fields) == 0:
		return errors.New("an issued document needs fields")
	case (d.Kind == documents.Naksha) != (d.Map != nil):
		return errors.New("a naksha, and only a naksha, has a map")
	}
	texts := []string{d.ID, d.Holder, d.Issuer}
	for _, f := range d.Fields {
		if f.Label == "" || f.LabelHi == "" || f.Value == "" {
			return fmt.Errorf("field %q: label, label_hi and value are required", f.Label)
		}
		texts = append(texts, f.Value)
	}
	for ti, t := range d.Tables {
		if len(t.Header) == 0 || len(t.HeaderHi) != len(t.Header) || len(t.Rows) == 0 {
			return fmt.Errorf("table #%d: header, header_hi of the same length, and rows are required", ti+1)
		}
		for ri, r := range t.Rows {
			if len(r) != len(t.Header) {
				return fmt.Errorf("table #%d row #%d: %d cells for %d columns", ti+1, ri+1, len(r), len(t.Header))
			}
			texts = append(texts, r...)
		}
	}
	for _, s := range texts {
		if documents.ContainsFullAadhaar(s) {
			// The value is not repeated: the error is logged.
			return errors.New("a value holds an unmasked Aadhaar number: store it as XXXX XXXX 1234")
		}
	}
	return nil
}

// fee is the department's fee for a print of d.
func (c *catalogue) fee(d *docRecord) money.Paise {
	if d.Fee > 0 {
		return d.Fee
	}
	return c.kinds[d.Kind].Fee
}

// strictUnmarshal decodes one JSON value, refusing unknown fields, so that
// a misspelt key in a data file is an error rather than a silent default.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// Map drawing. The sheet is drawn at mapScale pixels per sheet unit so that
// a 400-unit sheet prints sharp across an A4 page at 300 dpi.
const (
	mapScale     = 3
	mapBorder    = 3 // plot outline, pixels
	maxSheetSide = 2000
)

// drawMap renders a naksha sheet as a grey PNG: plot outlines, the asked
// khasra shaded, each plot's khasra number at its centre, and a north mark.
func drawMap(m *mapSheet) ([]byte, error) {
	if m.Width <= 0 || m.Height <= 0 || m.Width > maxSheetSide || m.Height > maxSheetSide || len(m.Plots) == 0 {
		return nil, fmt.Errorf("sheet %dx%d with %d plots", m.Width, m.Height, len(m.Plots))
	}
	w, h := m.Width*mapScale, m.Height*mapScale
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	found := false
	for _, p := range m.Plots {
		if len(p.Points) < 3 || p.Khasra == "" {
			return nil, fmt.Errorf("plot %q: a khasra number and at least 3 points are required", p.Khasra)
		}
		poly := make([]image.Point, len(p.Points))
		for i, pt := range p.Points {
			if pt[0] < 0 || pt[1] < 0 || pt[0] > m.Width || pt[1] > m.Height {
				return nil, fmt.Errorf("plot %s: point %v is off the sheet", p.Khasra, pt)
			}
			poly[i] = image.Pt(pt[0]*mapScale, pt[1]*mapScale)
		}
		if p.Khasra == m.Highlight {
			found = true
			fillPolygon(img, poly, color.Gray{0xC8})
		}
		for i := range poly {
			drawLine(img, poly[i], poly[(i+1)%len(poly)], mapBorder)
		}
		cx, cy := centroid(poly)
		l, err := typeface.Shape(p.Khasra, 16*mapScale, p.Khasra == m.Highlight)
		if err != nil {
			return nil, err
		}
		l.Draw(img, cx-l.Width/2, cy+l.Ascent/2, color.Black)
	}
	if !found {
		return nil, fmt.Errorf("highlight %q is not a plot of the sheet", m.Highlight)
	}
	// North mark: an arrow up the sheet with an N under it.
	north, err := typeface.Shape("N", 14*mapScale, true)
	if err != nil {
		return nil, err
	}
	ax, top := w-12*mapScale, 4*mapScale
	drawLine(img, image.Pt(ax, top), image.Pt(ax, top+18*mapScale), mapBorder)
	drawLine(img, image.Pt(ax, top), image.Pt(ax-4*mapScale, top+6*mapScale), mapBorder)
	drawLine(img, image.Pt(ax, top), image.Pt(ax+4*mapScale, top+6*mapScale), mapBorder)
	north.Draw(img, ax-north.Width/2, top+20*mapScale+north.Ascent, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func centroid(poly []image.Point) (int, int) {
	var x, y int
	for _, p := range poly {
		x += p.X
		y += p.Y
	}
	return x / len(poly), y / len(poly)
}

// fillPolygon fills poly with c by the even-odd rule, testing pixel centres.
func fillPolygon(img *image.Gray, poly []image.Point, c color.Gray) {
	r := image.Rectangle{Min: poly[0], Max: poly[0]}
	for _, p := range poly {
		r = r.Union(image.Rectangle{Min: p, Max: p.Add(image.Pt(1, 1))})
	}
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if inside(poly, float64(x)+0.5, float64(y)+0.5) {
				img.SetGray(x, y, c)
			}
		}
	}
}

func inside(poly []image.Point, x, y float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		xi, yi, xj, yj := float64(poly[i].X), float64(poly[i].Y), float64(poly[j].X), float64(poly[j].Y)
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// drawLine draws a black line of the given thickness with square pens
// stepped along it.
func drawLine(img *image.Gray, a, b image.Point, thick int) {
	steps := max(abs(b.X-a.X), abs(b.Y-a.Y), 1)
	for i := 0; i <= steps; i++ {
		x := a.X + (b.X-a.X)*i/steps
		y := a.Y + (b.Y-a.Y)*i/steps
		for dy := -thick / 2; dy <= thick/2; dy++ {
			for dx := -thick / 2; dx <= thick/2; dx++ {
				if image.Pt(x+dx, y+dy).In(img.Bounds()) {
					img.SetGray(x+dx, y+dy, color.Gray{0})
				}
			}
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
