// Package ipp drives A4 document printers over the Internet Printing
// Protocol and implements printer.DocumentPrinter.
//
// Certificates, land records and card prints are rendered by the kiosk
// (Devanagari shaped by Mitra) and sent as PWG raster (package pwgraster),
// the one page format every IPP Everywhere printer must accept, so the
// printer needs no fonts and no PDF interpreter. The driver takes a Doer
// (an *http.Client) and a printer URI; the caller owns the client.
//
// The package also holds the IPP message codec (Decode, Message.AppendBinary)
// that the simulator (package ippsim) shares.
//
// # Protocol
//
// IPP/1.1: RFC 8010 (encoding and transport), RFC 8011 (model and
// semantics), PWG 5100.14 (IPP Everywhere), PWG 5102.4 (PWG raster).
// Each operation is an HTTP POST of Content-Type application/ipp to the
// printer URI (ipp://host:631/ipp/print becomes http://host:631/ipp/print):
//
//	request  = version(2) operation-id(2) request-id(4) group* 0x03 document-data
//	response = version(2) status-code(2)  request-id(4) group* 0x03
//	group    = group-tag(1) attribute*
//	value    = value-tag(1) name-length(2) name value-length(2) value
//	           (name-length 0: another value of the previous attribute)
//
// Operations used: Get-Printer-Attributes (0x0B) for printer-state,
// printer-state-reasons and the supported formats; Print-Job (0x02) with
// document-format image/pwg-raster; Get-Job-Attributes (0x09) polled until
// job-state is completed (9), aborted (8) or canceled (7); Cancel-Job (0x08).
//
// Status codes acted on: server-error-busy (0x0507) is retried;
// client-error-document-format-not-supported (0x040A),
// client-error-attributes-or-values-not-supported (0x040B) and other
// errors are returned as *StatusError wrapped in printer.ErrFault;
// server-error-not-accepting-jobs (0x0506) as printer.ErrOffline. A
// printer reporting media-empty or media-needed is printer.ErrPaperOut.
package ipp
