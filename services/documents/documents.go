// Package documents defines the government document back-end as the kiosk
// sees it: find a citizen's issued document (a certificate, a land-record
// copy, an admit card, an Aadhaar / Jan Aadhaar card), order a print of it
// with an idempotency key (the order carries the department's fee), and
// download its content once the order succeeded.
//
// The content is structured data plus a verification QR, not a PDF: the
// kiosk lays it out itself (Devanagari shaped by appliance/typeface) and
// prints raster pages, as it does for receipts. A naksha (village map) comes
// with a map image.
//
// Implementations: services/documents/docsandbox (the built-in sandbox,
// data in testdata/documents, also serving the HTTP API) and
// services/documents/docshttp (the client for any back-end speaking it).
package documents

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Kind is a type of document the kiosk can print.
type Kind string

const (
	Domicile        Kind = "domicile"         // मूल निवास प्रमाण पत्र
	Caste           Kind = "caste"            // जाति प्रमाण पत्र
	Marriage        Kind = "marriage"         // विवाह प्रमाण पत्र
	Birth           Kind = "birth"            // जन्म प्रमाण पत्र
	Death           Kind = "death"            // मृत्यु प्रमाण पत्र
	PoliceCharacter Kind = "police-character" // पुलिस चरित्र प्रमाण पत्र
	Minority        Kind = "minority"         // अल्पसंख्यक प्रमाण पत्र
	Disability      Kind = "disability"       // विकलांगता प्रमाण पत्र
	AdmitCard       Kind = "admit-card"       // परीक्षा प्रवेश पत्र
	Jamabandi       Kind = "jamabandi"        // जमाबंदी (record of rights)
	Naksha          Kind = "naksha"           // नक्शा (cadastral map)
	Girdawari       Kind = "girdawari"        // गिरदावरी (crop inspection record)
	AadhaarCard     Kind = "aadhaar-card"     // masked Aadhaar print
	JanAadhaarCard  Kind = "jan-aadhaar-card" // Jan Aadhaar family card
)

// Kinds lists every kind, in the order the kiosk shows them.
var Kinds = []Kind{Domicile, Caste, Marriage, Birth, Death, PoliceCharacter, Minority, Disability,
	AdmitCard, Jamabandi, Naksha, Girdawari, AadhaarCard, JanAadhaarCard}

// RefSpec says what the citizen types to find a document of a kind.
type RefSpec struct {
	Kind    Kind   `json:"kind"`
	Label   string `json:"label"`    // "Application number"
	LabelHi string `json:"label_hi"` // "आवेदन संख्या"
	// Pattern is the regular expression a reference must match in full.
	Pattern string `json:"pattern"`
	// Keyboard is the keypad the UI offers: "numeric" or "alphanumeric".
	Keyboard string `json:"keyboard"`
	// Example is a well-formed reference shown under the typed one, so a
	// citizen sees where the number is and how it looks.
	Example string `json:"example"`
}

// Document is an issued document as found (not yet paid for).
type Document struct {
	ID      string `json:"id"` // the department's document id
	Kind    Kind   `json:"kind"`
	Ref     string `json:"ref"` // what the citizen typed
	Title   string `json:"title"`
	TitleHi string `json:"title_hi"`
	// Holder is the holder's name, masked like a bill's customer name.
	Holder   string      `json:"holder"`
	IssuedOn string      `json:"issued_on"` // YYYY-MM-DD
	Issuer   string      `json:"issuer"`    // "Tehsildar, Sanganer"
	Pages    int         `json:"pages"`
	Fee      money.Paise `json:"fee"` // the department's fee for a print
}

// Status is the state of an order upstream.
type Status string

const (
	Success Status = "SUCCESS"
	Failure Status = "FAILURE"
	Pending Status = "PENDING"
	Unknown Status = "UNKNOWN" // no order with that key
)

// OrderRequest orders a print of a document. IdempotencyKey is the kiosk's
// transaction id: a repeated request answers with the original order and
// never charges twice.
type OrderRequest struct {
	IdempotencyKey string      `json:"idempotency_key"`
	DocumentID     string      `json:"document_id"`
	Fee            money.Paise `json:"fee"`
	KioskID        string      `json:"kiosk_id"`
}

// Order is the back-end's record of an order.
type Order struct {
	IdempotencyKey string      `json:"idempotency_key"`
	DocumentID     string      `json:"document_id"`
	Status         Status      `json:"status"`
	Fee            money.Paise `json:"fee"`
	Ref            string      `json:"ref"` // the department's order reference, on SUCCESS
	Reason         string      `json:"reason,omitempty"`
	PostedAt       time.Time   `json:"posted_at"`
}

// Field is one labelled line of a document.
type Field struct {
	Label   string `json:"label"`
	LabelHi string `json:"label_hi"`
	Value   string `json:"value"`
}

// Table is a tabular part (a jamabandi's khasra list, a girdawari's crops).
type Table struct {
	Header   []string   `json:"header"`
	HeaderHi []string   `json:"header_hi"`
	Rows     [][]string `json:"rows"`
}

// Content is what is printed for a successful order.
type Content struct {
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	TitleHi    string  `json:"title_hi"`
	Issuer     string  `json:"issuer"`
	Fields     []Field `json:"fields"`
	Tables     []Table `json:"tables,omitempty"`
	// MapPNG is a naksha's map (PNG), printed below the fields.
	MapPNG []byte `json:"map_png,omitempty"`
	// VerifyQR is the department's signed verification string, printed as
	// a QR code so anyone can check the copy.
	VerifyQR string `json:"verify_qr"`
}

// Service is the document back-end.
type Service interface {
	// Specs lists what to type for each kind.
	Specs(ctx context.Context) ([]RefSpec, error)
	// Find looks up the document of kind for ref. Errors wrap
	// ErrInvalidRef, ErrNotFound, ErrNotReady or ErrUnavailable.
	Find(ctx context.Context, kind Kind, ref string) (Document, error)
	// Order orders a print; see OrderRequest for idempotency. Transport
	// failures wrap ErrUnavailable: ask OrderStatus with the same key.
	Order(ctx context.Context, req OrderRequest) (Order, error)
	// OrderStatus returns the order under key (Status Unknown if none).
	OrderStatus(ctx context.Context, key string) (Order, error)
	// Content returns the document of a successful order. It may be asked
	// again (a reprint) with the same key.
	Content(ctx context.Context, key string) (Content, error)
}

// Errors callers branch on.
var (
	ErrInvalidRef  = errors.New("documents: invalid reference")
	ErrNotFound    = errors.New("documents: no such document")
	ErrNotReady    = errors.New("documents: the application is not decided yet")
	ErrUnavailable = errors.New("documents: back-end unavailable")
	ErrNotPaid     = errors.New("documents: no successful order with that key")
)

// fullAadhaarRE matches twelve digits grouped like an Aadhaar number (bare,
// or in fours separated by a space or hyphen) that are not part of a longer
// run of digits, so that a 13-digit application number does not match.
var fullAadhaarRE = regexp.MustCompile(`(^|[^0-9])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}($|[^0-9])`)

// ContainsFullAadhaar reports whether s holds what looks like an unmasked
// Aadhaar number. An Aadhaar number must never be stored, served to a
// kiosk, printed or logged in full, only masked to its last four digits
// ("XXXX XXXX 1234"); back-ends, clients and the print layout refuse text
// for which this is true.
func ContainsFullAadhaar(s string) bool { return fullAadhaarRE.MatchString(s) }
