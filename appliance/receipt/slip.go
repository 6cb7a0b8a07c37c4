// Package receipt lays out the slips the kiosk prints — payment receipts,
// credit slips and acknowledgement slips — as 1-bit raster pages, with Hindi
// and English text shaped from the embedded Noto fonts (appliance/typeface)
// and a QR code. Raster pages print identically on any ESC/POS printer,
// whatever fonts it has.
package receipt

import (
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Kind says what a slip is; it sets the bilingual title.
type Kind int

const (
	// PaymentReceipt: a payment went through.
	PaymentReceipt Kind = iota + 1
	// CreditSlip: money the kiosk holds for the citizen, redeemable at this
	// kiosk for a later payment (single use).
	CreditSlip
	// Acknowledgement: cash received, payment not yet confirmed upstream.
	Acknowledgement
	// StatusSlip: a printed copy of a status look-up; no money, no total.
	StatusSlip
	// LifeCertificate: the pensioner's proof of an accepted (or refused)
	// life certificate; no money.
	LifeCertificate
)

// Field is one labelled line: "K-number / के-नंबर   2101 2345 6789".
type Field struct {
	LabelEn, LabelHi string
	Value            string
}

// Slip is the content of one printed slip.
type Slip struct {
	Kind      Kind
	KioskID   string // "RJ-JPR-0042"
	KioskName string // "e-Mitra Plus, Sanganer"
	Time      time.Time
	TxnID     string
	Fields    []Field
	// Total is printed large at the bottom ("Amount paid", "Credit amount").
	Total money.Paise
	// QR is the payload of the QR code printed under the total; empty = none.
	QR string
	// Footer lines, printed small and centred.
	FooterEn, FooterHi string
}
