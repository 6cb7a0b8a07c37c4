package receipt

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/appliance/typeface"
)

// IST is India Standard Time. India keeps no daylight saving, so a fixed
// zone is exact and needs no tzdata on the appliance.
var IST = time.FixedZone("IST", 5*3600+30*60)

// Layout sizes in dots (203 dpi: 8 dots ≈ 1 mm).
const (
	margin    = 12
	qrModule  = 5 // dots per QR module: ~0.6 mm, readable by phone cameras on thermal paper
	qrQuiet   = 4 // modules of white border the QR standard asks for
	lineGap   = 6
	ruleThick = 2
)

var titles = map[Kind][2]string{
	PaymentReceipt:  {"Payment Receipt", "भुगतान रसीद"},
	CreditSlip:      {"Credit Slip", "क्रेडिट पर्ची"},
	Acknowledgement: {"Acknowledgement", "पावती"},
	StatusSlip:      {"Status", "स्थिति"},
	LifeCertificate: {"Life Certificate", "जीवन प्रमाण पत्र"},
}

var totalLabels = map[Kind][2]string{
	PaymentReceipt:  {"Amount paid", "भुगतान राशि"},
	CreditSlip:      {"Credit amount", "क्रेडिट राशि"},
	Acknowledgement: {"Cash received", "प्राप्त नकद"},
}

// page is a growing receipt canvas.
type page struct {
	img *image.Gray
	y   int
	w   int
	err error
}

func (p *page) grow(h int) {
	if p.y+h <= p.img.Bounds().Dy() {
		return
	}
	n := image.NewGray(image.Rect(0, 0, p.w, max(p.img.Bounds().Dy()*2, p.y+h+64)))
	for i := range n.Pix {
		n.Pix[i] = 255
	}
	copy(n.Pix, p.img.Pix)
	p.img = n
}

type align int

const (
	left align = iota
	center
	right
)

// text writes one line; it shrinks the size until the line fits the width,
// so a long biller name never runs off the paper.
func (p *page) text(s string, size float32, bold bool, a align) {
	if p.err != nil {
		return
	}
	l, err := typeface.Shape(s, size, bold)
	for err == nil && l.Width > p.w-2*margin && size > 14 {
		size -= 2
		l, err = typeface.Shape(s, size, bold)
	}
	if err != nil {
		p.err = err
		return
	}
	h := l.Ascent + l.Descent + lineGap
	p.grow(h)
	x := margin
	switch a {
	case center:
		x = (p.w - l.Width) / 2
	case right:
		x = p.w - margin - l.Width
	}
	l.Draw(p.img, x, p.y+l.Ascent, color.Black)
	p.y += h
}

// para writes s left-aligned, wrapped at spaces to the page width: a
// status text or a history line is a sentence, not a label.
func (p *page) para(s string, size float32, bold bool) {
	words := strings.Fields(s)
	for len(words) > 0 && p.err == nil {
		n := 1
		for n < len(words) {
			l, err := typeface.Shape(strings.Join(words[:n+1], " "), size, bold)
			if err != nil || l.Width > p.w-2*margin {
				break
			}
			n++
		}
		p.text(strings.Join(words[:n], " "), size, bold, left)
		words = words[n:]
	}
}

// pair writes a label on the left and a value on the right of one line, or
// the value on its own line when both do not fit.
func (p *page) pair(label, value string, size float32, valueBold bool) {
	if p.err != nil {
		return
	}
	ll, err1 := typeface.Shape(label, size, false)
	vl, err2 := typeface.Shape(value, size+2, valueBold)
	if err1 != nil || err2 != nil {
		p.err = fmt.Errorf("receipt: %v %v", err1, err2)
		return
	}
	if ll.Width+vl.Width+24 > p.w-2*margin {
		p.text(label, size, false, left)
		if vl.Width > p.w-2*margin {
			p.para(value, size+2, valueBold)
		} else {
			p.text(value, size+2, valueBold, right)
		}
		return
	}
	asc := max(ll.Ascent, vl.Ascent)
	h := asc + max(ll.Descent, vl.Descent) + lineGap
	p.grow(h)
	ll.Draw(p.img, margin, p.y+asc, color.Black)
	vl.Draw(p.img, p.w-margin-vl.Width, p.y+asc, color.Black)
	p.y += h
}

func (p *page) rule() {
	p.grow(ruleThick + 12)
	p.y += 6
	draw.Draw(p.img, image.Rect(margin, p.y, p.w-margin, p.y+ruleThick), image.Black, image.Point{}, draw.Src)
	p.y += ruleThick + 6
}

func (p *page) space(h int) { p.grow(h); p.y += h }

func (p *page) qr(payload string) {
	if p.err != nil {
		return
	}
	code, err := qr.Encode(payload, qr.M)
	if err != nil {
		p.err = fmt.Errorf("receipt: QR: %w", err)
		return
	}
	side := (code.Size + 2*qrQuiet) * qrModule
	p.grow(side)
	x0 := (p.w - side) / 2
	for my := range code.Size {
		for mx := range code.Size {
			if code.Black(mx, my) {
				r := image.Rect(x0+(mx+qrQuiet)*qrModule, p.y+(my+qrQuiet)*qrModule, x0+(mx+qrQuiet+1)*qrModule, p.y+(my+qrQuiet+1)*qrModule)
				draw.Draw(p.img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	p.y += side
}

// Render lays out s on a page widthDots wide (576 for 80 mm paper). The
// result is trimmed to its content height.
func Render(s Slip, widthDots int) (*image.Gray, error) {
	if widthDots < 200 {
		return nil, fmt.Errorf("receipt: page width %d dots is too narrow", widthDots)
	}
	title, ok := titles[s.Kind]
	if !ok {
		return nil, fmt.Errorf("receipt: unknown slip kind %d", s.Kind)
	}
	p := &page{img: image.NewGray(image.Rect(0, 0, widthDots, 1200)), w: widthDots}
	for i := range p.img.Pix {
		p.img.Pix[i] = 255
	}
	p.space(8)
	p.text("e-Mitra Plus  ई-मित्र प्लस", 30, true, center)
	p.text(s.KioskName, 20, false, center)
	p.text("Kiosk / कियोस्क  "+s.KioskID, 20, false, center)
	p.text(s.Time.In(IST).Format("02-01-2006 15:04")+" IST", 20, false, center)
	p.rule()
	p.text(title[0]+" / "+title[1], 28, true, center)
	p.rule()
	p.pair("Transaction / लेन-देन", s.TxnID, 20, true)
	for _, f := range s.Fields {
		p.pair(f.LabelEn+" / "+f.LabelHi, f.Value, 20, true)
	}
	p.rule()
	if tl, ok := totalLabels[s.Kind]; ok {
		p.text(tl[0]+" / "+tl[1], 24, true, left)
		p.text(money.Format(s.Total), 44, true, right)
	}
	if s.QR != "" {
		p.space(8)
		p.qr(s.QR)
	}
	p.space(6)
	for _, line := range strings.Split(s.FooterEn, "\n") {
		if line != "" {
			p.text(line, 18, false, center)
		}
	}
	for _, line := range strings.Split(s.FooterHi, "\n") {
		if line != "" {
			p.text(line, 18, false, center)
		}
	}
	p.space(24)
	if p.err != nil {
		return nil, p.err
	}
	out := image.NewGray(image.Rect(0, 0, widthDots, p.y))
	copy(out.Pix, p.img.Pix[:len(out.Pix)])
	return out, nil
}
