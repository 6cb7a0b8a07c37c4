// Package docprint lays out a government document (documents.Content) as
// A4 raster pages for the kiosk's laser printer: bilingual title (Hindi
// first), the issuer, labelled fields, tables with measured column widths,
// wrapped rows and page breaks that repeat the header, a naksha's map
// scaled into the page, the department's verification QR, and on every
// page the footer "Printed at e-Mitra Plus kiosk <id> on <date> — verify by
// scanning the QR" with the page number.
//
// Text is shaped with appliance/typeface (HarfBuzz via go-text), so Hindi
// matras are reordered and conjuncts formed exactly as on the screen and
// on receipts. Pages are 8-bit grey at any resolution (DefaultDPI is 300),
// which every raster printer path the kiosk has can take.
//
// # Spec
//
// A4 is 210 × 297 mm (ISO 216). The QR is Model 2, error correction level M
// (ISO/IEC 18004), with the four-module quiet zone the standard asks for.
package docprint
