package docprint

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/png"
	"strings"
	"time"
	"unicode"

	"golang.org/x/image/draw"
	"rsc.io/qr"

	"github.com/mitra-kiosk/mitra/appliance/typeface"
	"github.com/mitra-kiosk/mitra/services/documents"
)

// DefaultDPI is the resolution Render uses when asked for 0: the native
// resolution of the kiosk's A4 laser printers.
const DefaultDPI = 300

// Page geometry in millimetres.
const (
	pageWidthMM  = 210.0 // A4, ISO 216
	pageHeightMM = 297.0
	marginMM     = 15.0 // left, right and top
	footerMM     = 24.0 // reserved at the bottom for the footer, below the margin line
	qrModuleMM   = 0.5  // a phone camera reads 0.5 mm modules from a hand's length
	qrQuiet      = 4    // modules of white border the QR standard asks for
	cellPadMM    = 0.8
	ruleMM       = 0.25
)

// Type sizes in points.
const (
	govtPt    = 10
	titleHiPt = 20
	titlePt   = 16
	issuerPt  = 11
	labelPt   = 10
	valuePt   = 11
	tablePt   = 9.5
	footerPt  = 8.5
	contPt    = 9
)

// IST is India Standard Time, the zone of the printed date. India keeps no
// daylight saving, so a fixed zone is exact without tzdata.
var IST = time.FixedZone("IST", 5*3600+30*60)

// Imprint is what the kiosk adds to every page: who printed it and when.
type Imprint struct {
	KioskID string    // "RJ-JPR-0001"
	At      time.Time // printed in IST
}

// Errors callers branch on.
var (
	// ErrUnprintable: the content cannot be printed as given (no title,
	// an unmasked Aadhaar number, a map that is not a PNG).
	ErrUnprintable = errors.New("docprint: content cannot be printed")
)

// Render lays out c on A4 pages at dpi (DefaultDPI when 0) and returns
// them in order. It refuses content that holds an unmasked Aadhaar
// number: such a page must never leave the printer.
func (im Imprint) Render(c documents.Content, dpi int) ([]*image.Gray, error) {
	if dpi == 0 {
		dpi = DefaultDPI
	}
	if dpi < 100 || dpi > 1200 {
		return nil, fmt.Errorf("docprint: %d dpi: use 100 to 1200", dpi)
	}
	if err := checkPrintable(c); err != nil {
		return nil, err
	}
	if im.KioskID == "" || im.At.IsZero() {
		return nil, errors.New("docprint: the imprint needs the kiosk id and the time of printing")
	}
	l := newLayout(dpi)
	l.header(c)
	l.fields(c.Fields)
	for _, t := range c.Tables {
		l.space(l.mm(3))
		l.table(t)
	}
	if len(c.MapPNG) > 0 {
		l.space(l.mm(3))
		l.mapImage(c.MapPNG)
	}
	l.space(l.mm(4))
	l.verification(c)
	l.footers(c, im)
	if l.err != nil {
		return nil, l.err
	}
	return l.pages, nil
}

// checkPrintable refuses content the page would print wrongly.
func checkPrintable(c documents.Content) error {
	if c.Title == "" || c.TitleHi == "" || c.VerifyQR == "" {
		return fmt.Errorf("%w: title, Hindi title and verification QR are required", ErrUnprintable)
	}
	texts := []string{c.Title, c.TitleHi, c.Issuer, c.DocumentID}
	for _, f := range c.Fields {
		texts = append(texts, f.Label, f.LabelHi, f.Value)
	}
	for i, t := range c.Tables {
		if len(t.Header) == 0 || len(t.HeaderHi) != len(t.Header) {
			return fmt.Errorf("%w: table %d: header and Hindi header differ in length", ErrUnprintable, i+1)
		}
		for _, r := range t.Rows {
			if len(r) != len(t.Header) {
				return fmt.Errorf("%w: table %d: a row of %d cells for %d columns", ErrUnprintable, i+1, len(r), len(t.Header))
			}
			texts = append(texts, r...)
		}
	}
	for _, s := range texts {
		if documents.ContainsFullAadhaar(s) {
			return fmt.Errorf("%w: it holds an unmasked Aadhaar number", ErrUnprintable)
		}
	}
	return nil
}

// layout is the page flow: a cursor y on the last page, inside the content
// box [left, right) × [top, bottom).
type layout struct {
	dpi                      int
	w, h                     int
	left, right, top, bottom int
	pages                    []*image.Gray
	y                        int
	err                      error
	// continued is drawn at the top of every page after the first.
	continued string
}

func newLayout(dpi int) *layout {
	l := &layout{dpi: dpi}
	l.w, l.h = l.mm(pageWidthMM), l.mm(pageHeightMM)
	l.left, l.right, l.top = l.mm(marginMM), l.w-l.mm(marginMM), l.mm(marginMM)
	l.bottom = l.h - l.mm(marginMM) - l.mm(footerMM)
	l.newPage()
	return l
}

// mm converts millimetres to pixels.
func (l *layout) mm(v float64) int { return int(v*float64(l.dpi)/25.4 + 0.5) }

// pt converts points to a pixel size for shaping.
func (l *layout) pt(v float64) float32 { return float32(v * float64(l.dpi) / 72) }

func (l *layout) page() *image.Gray { return l.pages[len(l.pages)-1] }

func (l *layout) width() int { return l.right - l.left }

func (l *layout) newPage() {
	p := image.NewGray(image.Rect(0, 0, l.w, l.h))
	for i := range p.Pix {
		p.Pix[i] = 0xFF
	}
	l.pages = append(l.pages, p)
	l.y = l.top
	if l.continued != "" {
		l.line(l.continued, l.pt(contPt), false, alignRight)
		l.rule(1)
		l.space(l.mm(2))
	}
}

// fits reports whether h more pixels fit on the current page.
func (l *layout) fits(h int) bool { return l.y+h <= l.bottom }

// need starts a new page unless h more pixels fit on this one.
func (l *layout) need(h int) {
	if !l.fits(h) {
		l.newPage()
	}
}

func (l *layout) space(h int) {
	if l.fits(h) {
		l.y += h
	}
}

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// metrics returns a line height and ascent for size that hold both
// scripts: Devanagari vowel signs reach far above and below Latin text,
// and lines of one size must not change pitch with their script.
func metrics(size float32, bold bool) (asc, height int, err error) {
	ref, err := typeface.Shape("Ag कि ग्रु", size, bold)
	if err != nil {
		return 0, 0, err
	}
	return ref.Ascent, ref.Ascent + ref.Descent + int(size/8), nil
}

// line draws s wrapped to the content width, breaking pages as needed.
func (l *layout) line(s string, size float32, bold bool, a align) {
	if l.err != nil {
		return
	}
	lines, err := wrap(s, size, bold, l.width())
	if err == nil {
		var asc, lh int
		asc, lh, err = metrics(size, bold)
		for _, ln := range lines {
			l.need(lh)
			x := l.left
			switch a {
			case alignCenter:
				x = l.left + (l.width()-ln.Width)/2
			case alignRight:
				// Inset by a hair: a glyph's ink may overhang its advance.
				x = l.right - ln.Width - l.mm(0.5)
			}
			ln.Draw(l.page(), x, l.y+asc, color.Black)
			l.y += lh
		}
	}
	if err != nil {
		l.err = fmt.Errorf("docprint: %w", err)
	}
}

// rule draws a horizontal line across the content box, weight times the
// hairline thickness.
func (l *layout) rule(weight int) {
	t := max(l.mm(ruleMM)*weight, 1)
	gap := l.mm(1.5)
	if !l.fits(t + 2*gap) {
		return // the page break is the separation
	}
	l.y += gap
	fill(l.page(), image.Rect(l.left, l.y, l.right, l.y+t), 0)
	l.y += t + gap
}

func fill(p *image.Gray, r image.Rectangle, v uint8) {
	stddraw.Draw(p, r, image.NewUniform(color.Gray{v}), image.Point{}, stddraw.Src)
}

func (l *layout) header(c documents.Content) {
	l.line("राजस्थान सरकार  /  Government of Rajasthan", l.pt(govtPt), false, alignCenter)
	l.space(l.mm(2))
	l.line(c.TitleHi, l.pt(titleHiPt), true, alignCenter)
	l.line(c.Title, l.pt(titlePt), true, alignCenter)
	if c.Issuer != "" {
		l.space(l.mm(1))
		l.line(c.Issuer, l.pt(issuerPt), false, alignCenter)
	}
	l.rule(3)
	l.continued = c.TitleHi + " / " + c.Title + " — " + c.DocumentID
}

// fields lays out label | value rows: the label (Hindi over English) in
// the left column, the value wrapped in the right one.
func (l *layout) fields(fs []documents.Field) {
	if l.err != nil {
		return
	}
	gap := l.mm(3)
	labelW := l.width() * 34 / 100
	valueW := l.width() - labelW - gap
	lAsc, lH, err1 := metrics(l.pt(labelPt), false)
	vAsc, vH, err2 := metrics(l.pt(valuePt), true)
	if err := errors.Join(err1, err2); err != nil {
		l.err = fmt.Errorf("docprint: %w", err)
		return
	}
	for _, f := range fs {
		labels, err1 := wrap(f.LabelHi+" / "+f.Label, l.pt(labelPt), false, labelW)
		values, err2 := wrap(f.Value, l.pt(valuePt), true, valueW)
		if err := errors.Join(err1, err2); err != nil {
			l.err = fmt.Errorf("docprint: field %q: %w", f.Label, err)
			return
		}
		h := max(len(labels)*lH, len(values)*vH) + l.mm(1.5)
		if h > l.bottom-l.top {
			l.err = fmt.Errorf("docprint: field %q is longer than a page", f.Label)
			return
		}
		l.need(h)
		for i, ln := range labels {
			ln.Draw(l.page(), l.left, l.y+i*lH+lAsc, color.Gray{0x40})
		}
		for i, ln := range values {
			ln.Draw(l.page(), l.left+labelW+gap, l.y+i*vH+vAsc, color.Black)
		}
		l.y += h
	}
}

// table lays out t with column widths measured from its text, header rows
// (Hindi over English) repeated after every page break.
func (l *layout) table(t documents.Table) {
	if l.err != nil {
		return
	}
	size := l.pt(tablePt)
	asc, lh, err := metrics(size, false)
	if err != nil {
		l.err = fmt.Errorf("docprint: %w", err)
		return
	}
	pad := l.mm(cellPadMM)
	cols, err := columnWidths(t, size, l.width(), pad)
	if err != nil {
		l.err = fmt.Errorf("docprint: table: %w", err)
		return
	}
	line := max(l.mm(ruleMM), 1)
	type cell [][]typeface.Line // a row's cells, each wrapped
	wrapRow := func(texts []string, bold bool) (cell, int, error) {
		out := make(cell, len(texts))
		n := 1
		for i, s := range texts {
			ls, err := wrap(s, size, bold, cols[i]-2*pad)
			if err != nil {
				return nil, 0, err
			}
			out[i] = ls
			n = max(n, len(ls))
		}
		return out, n*lh + 2*pad, nil
	}
	var head cell
	var headH int
	{
		hi, h1, err1 := wrapRow(t.HeaderHi, true)
		en, h2, err2 := wrapRow(t.Header, true)
		if err := errors.Join(err1, err2); err != nil {
			l.err = fmt.Errorf("docprint: table header: %w", err)
			return
		}
		head = make(cell, len(cols))
		for i := range cols {
			head[i] = append(append([]typeface.Line{}, hi[i]...), en[i]...)
		}
		maxHi, maxEn := (h1-2*pad)/lh, (h2-2*pad)/lh
		headH = (maxHi+maxEn)*lh + 2*pad
		// Hindi lines stay above English ones, aligned across columns.
		for i := range cols {
			padded := make([]typeface.Line, 0, maxHi+maxEn)
			padded = append(padded, hi[i]...)
			for len(padded) < maxHi {
				padded = append(padded, typeface.Line{})
			}
			head[i] = append(padded, en[i]...)
		}
	}
	drawRow := func(r cell, h int, shade bool) {
		p := l.page()
		if shade {
			fill(p, image.Rect(l.left, l.y, l.right, l.y+h), 0xE4)
		}
		x := l.left
		for i, w := range cols {
			for j, ln := range r[i] {
				if ln.Width > 0 {
					ln.Draw(p, x+pad, l.y+pad+j*lh+asc, color.Black)
				}
			}
			fill(p, image.Rect(x, l.y, x+line, l.y+h), 0) // left border of the cell
			x += w
		}
		fill(p, image.Rect(l.right-line, l.y, l.right, l.y+h), 0)
		fill(p, image.Rect(l.left, l.y, l.right, l.y+line), 0)
		fill(p, image.Rect(l.left, l.y+h-line, l.right, l.y+h), 0)
		l.y += h - line // borders of adjacent rows overlap
	}
	l.need(headH + lh + 2*pad)
	drawRow(head, headH, true)
	for _, texts := range t.Rows {
		r, h, err := wrapRow(texts, false)
		if err != nil {
			l.err = fmt.Errorf("docprint: table row: %w", err)
			return
		}
		if headH+h > l.bottom-l.top {
			l.err = errors.New("docprint: a table row is longer than a page")
			return
		}
		if !l.fits(h) {
			l.newPage()
			drawRow(head, headH, true)
		}
		drawRow(r, h, false)
	}
	l.y += line
}

// columnWidths shares width among the columns: each gets at least its
// longest word (so words are not split where avoidable) and the rest in
// proportion to how much more its longest cell wants.
func columnWidths(t documents.Table, size float32, width, pad int) ([]int, error) {
	n := len(t.Header)
	minW, wantW := make([]int, n), make([]int, n)
	measure := func(i int, s string, bold bool) error {
		for _, w := range strings.Fields(s) {
			ln, err := typeface.Shape(w, size, bold)
			if err != nil {
				return err
			}
			minW[i] = max(minW[i], ln.Width+2*pad)
		}
		ln, err := typeface.Shape(s, size, bold)
		if err != nil {
			return err
		}
		wantW[i] = max(wantW[i], ln.Width+2*pad)
		return nil
	}
	for i := range n {
		if err := errors.Join(measure(i, t.Header[i], true), measure(i, t.HeaderHi[i], true)); err != nil {
			return nil, err
		}
		for _, r := range t.Rows {
			if err := measure(i, r[i], false); err != nil {
				return nil, err
			}
		}
	}
	sum := func(v []int) (s int) {
		for _, x := range v {
			s += x
		}
		return s
	}
	out := make([]int, n)
	switch sMin, sWant := sum(minW), sum(wantW); {
	case sWant <= width:
		// Everything fits on one line: spread the spare width evenly.
		for i := range n {
			out[i] = wantW[i] + (width-sWant)/n
		}
	case sMin <= width:
		extra, spare := sWant-sMin, width-sMin
		for i := range n {
			out[i] = minW[i] + (wantW[i]-minW[i])*spare/extra
		}
	default:
		// Even single words do not fit: share by longest word, and let
		// wrap break inside words.
		for i := range n {
			out[i] = minW[i] * width / sMin
		}
	}
	out[n-1] += width - sum(out) // rounding
	for _, w := range out {
		if w <= 2*pad {
			return nil, fmt.Errorf("%d columns do not fit %d pixels", n, width)
		}
	}
	return out, nil
}

// mapImage scales a naksha map to the content width (at most 40% of the
// content height, which leaves the fields and the QR room on one page), on a new page if it does not fit, with a frame.
func (l *layout) mapImage(b []byte) {
	if l.err != nil {
		return
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		l.err = fmt.Errorf("%w: map: %v", ErrUnprintable, err)
		return
	}
	sb := src.Bounds()
	if sb.Dx() < 1 || sb.Dy() < 1 {
		l.err = fmt.Errorf("%w: empty map", ErrUnprintable)
		return
	}
	w := l.width()
	h := w * sb.Dy() / sb.Dx()
	if maxH := (l.bottom - l.top) * 2 / 5; h > maxH {
		h, w = maxH, maxH*sb.Dx()/sb.Dy()
	}
	l.need(h)
	x := l.left + (l.width()-w)/2
	dst := image.Rect(x, l.y, x+w, l.y+h)
	draw.CatmullRom.Scale(l.page(), dst, src, sb, draw.Src, nil)
	t := max(l.mm(ruleMM), 1)
	p := l.page()
	fill(p, image.Rect(dst.Min.X, dst.Min.Y, dst.Max.X, dst.Min.Y+t), 0)
	fill(p, image.Rect(dst.Min.X, dst.Max.Y-t, dst.Max.X, dst.Max.Y), 0)
	fill(p, image.Rect(dst.Min.X, dst.Min.Y, dst.Min.X+t, dst.Max.Y), 0)
	fill(p, image.Rect(dst.Max.X-t, dst.Min.Y, dst.Max.X, dst.Max.Y), 0)
	l.y += h
}

// verification draws the QR with, beside it, what it is for.
func (l *layout) verification(c documents.Content) {
	if l.err != nil {
		return
	}
	code, err := qr.Encode(c.VerifyQR, qr.M)
	if err != nil {
		l.err = fmt.Errorf("docprint: QR: %w", err)
		return
	}
	mod := max(l.mm(qrModuleMM), 2)
	side := (code.Size + 2*qrQuiet) * mod
	textX := l.left + side + l.mm(3)
	textW := l.right - textX
	size := l.pt(labelPt)
	asc, lh, err := metrics(size, false)
	if err != nil {
		l.err = fmt.Errorf("docprint: %w", err)
		return
	}
	var lines []typeface.Line
	for _, s := range []string{
		"सत्यापन हेतु QR कोड स्कैन करें।",
		"Scan the QR code to verify this document.",
		"Document no. / दस्तावेज़ संख्या: " + c.DocumentID,
	} {
		ls, err := wrap(s, size, false, textW)
		if err != nil {
			l.err = fmt.Errorf("docprint: %w", err)
			return
		}
		lines = append(lines, ls...)
	}
	l.need(max(side, len(lines)*lh))
	p := l.page()
	for my := range code.Size {
		for mx := range code.Size {
			if code.Black(mx, my) {
				x0, y0 := l.left+(mx+qrQuiet)*mod, l.y+(my+qrQuiet)*mod
				fill(p, image.Rect(x0, y0, x0+mod, y0+mod), 0)
			}
		}
	}
	ty := l.y + (side-len(lines)*lh)/2
	for i, ln := range lines {
		ln.Draw(p, textX, ty+i*lh+asc, color.Black)
	}
	l.y += side
}

// footers draws, below the content box of every page, the imprint and the
// page number.
func (l *layout) footers(c documents.Content, im Imprint) {
	if l.err != nil {
		return
	}
	at := im.At.In(IST).Format("02-01-2006 15:04") + " IST"
	texts := []string{
		"Printed at e-Mitra Plus kiosk " + im.KioskID + " on " + at + " — verify by scanning the QR",
		"ई-मित्र प्लस कियोस्क " + im.KioskID + " पर " + at + " को मुद्रित — QR स्कैन कर सत्यापित करें",
	}
	size := l.pt(footerPt)
	asc, lh, err := metrics(size, false)
	if err != nil {
		l.err = fmt.Errorf("docprint: %w", err)
		return
	}
	for n, p := range l.pages {
		y := l.bottom + l.mm(4)
		fill(p, image.Rect(l.left, y, l.right, y+max(l.mm(ruleMM), 1)), 0)
		y += l.mm(2)
		num, err := typeface.Shape(fmt.Sprintf("Page %d of %d / पृष्ठ %d/%d", n+1, len(l.pages), n+1, len(l.pages)), size, true)
		if err != nil {
			l.err = fmt.Errorf("docprint: %w", err)
			return
		}
		textW := l.width() - num.Width - l.mm(4)
		var lines []typeface.Line
		for _, s := range texts {
			ls, err := wrap(s, size, false, textW)
			if err != nil {
				l.err = fmt.Errorf("docprint: %w", err)
				return
			}
			lines = append(lines, ls...)
		}
		if len(lines)*lh > l.h-l.mm(marginMM)-y {
			l.err = errors.New("docprint: the footer does not fit its band")
			return
		}
		for i, ln := range lines {
			ln.Draw(p, l.left, y+i*lh+asc, color.Black)
		}
		num.Draw(p, l.right-num.Width-l.mm(0.5), y+asc, color.Black)
	}
}

// wrap breaks s into shaped lines no wider than width: at spaces where it
// can, inside a word (between grapheme clusters) where a word alone is too
// wide.
func wrap(s string, size float32, bold bool, width int) ([]typeface.Line, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil, nil
	}
	var lines []typeface.Line
	cur := ""
	flush := func() error {
		if cur == "" {
			return nil
		}
		ln, err := typeface.Shape(cur, size, bold)
		if err != nil {
			return err
		}
		lines = append(lines, ln)
		cur = ""
		return nil
	}
	for _, w := range words {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		ln, err := typeface.Shape(try, size, bold)
		if err != nil {
			return nil, err
		}
		if ln.Width <= width {
			cur = try
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		one, err := typeface.Shape(w, size, bold)
		if err != nil {
			return nil, err
		}
		if one.Width <= width {
			cur = w
			continue
		}
		pieces, err := breakWord(w, size, bold, width)
		if err != nil {
			return nil, err
		}
		for _, piece := range pieces[:len(pieces)-1] {
			cur = piece
			if err := flush(); err != nil {
				return nil, err
			}
		}
		cur = pieces[len(pieces)-1]
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return lines, nil
}

// breakWord splits a word too wide for width into pieces that fit,
// between clusters: never before a combining vowel sign or after a virama,
// which would tear a Devanagari syllable apart.
func breakWord(w string, size float32, bold bool, width int) ([]string, error) {
	var clusters []string
	for _, r := range w {
		n := len(clusters)
		if n > 0 && (unicode.In(r, unicode.Mn, unicode.Mc) || strings.HasSuffix(clusters[n-1], "\u094D") || r == '\u200D' || r == '\u200C') {
			clusters[n-1] += string(r)
			continue
		}
		clusters = append(clusters, string(r))
	}
	var out []string
	cur := ""
	for _, c := range clusters {
		ln, err := typeface.Shape(cur+c, size, bold)
		if err != nil {
			return nil, err
		}
		if ln.Width > width && cur != "" {
			out = append(out, cur)
			cur = c
			continue
		}
		cur += c
	}
	return append(out, cur), nil
}
