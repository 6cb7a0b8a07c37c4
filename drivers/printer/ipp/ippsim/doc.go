// Package ippsim is an IPP Everywhere printer simulator: an http.Handler
// that speaks IPP/1.1 from the printer's side (RFC 8010/8011), decodes the
// PWG raster it receives and "prints" each page as a PNG file in a spool
// directory.
//
// Faults are switched on at run time: no paper (media-empty), cover open,
// busy (server-error-busy for the next Print-Jobs), a job aborted after some
// pages, and a printer that refuses the format it advertises. A printer that
// is off is a closed listener: serve the Sim with httptest.Server and Close it.
//
// # Behaviour
//
// Like a real printer, a job progresses while the client watches: every
// Get-Job-Attributes for a job prints one more page (writes its PNG), so a
// test sees pending → processing → completed without sleeping. With no
// paper or the cover open, printer-state is stopped (5) with
// media-empty-error,media-needed-error or cover-open-error, the job is
// processing-stopped (6) with job-state-reasons printer-stopped, and it
// resumes when the fault is cleared.
package ippsim
