// Package biometric defines the Biometrics device class: a fingerprint
// scanner that hands back an encrypted, signed capture (a PID block) for a
// back-end to verify. The kiosk never sees a fingerprint image or template:
// UIDAI's Registered Device model encrypts the capture inside the device's
// service, and the kiosk only carries the sealed block to the verifier.
//
// Protocol packages (drivers/biometric/rdservice) implement Scanner; the
// engine depends only on this package.
package biometric

import (
	"context"
	"errors"
	"fmt"
)

// DeviceInfo describes a registered device, as its RD service reports it.
type DeviceInfo struct {
	Provider    string // dpId: the device provider ("MANTRA.MSIPL")
	Service     string // rdsId: the RD service ("RENESAS.MANTRA.001")
	Version     string // rdsVer
	Model       string // mi: model id
	Serial      string // dc/serial: the device code
	Certificate string // mc: the device's public certificate (base64)
}

// CaptureOptions asks for one capture.
type CaptureOptions struct {
	Fingers int // fCount, 1 for a life certificate
	// Timeout the device gives the citizen to place the finger.
	TimeoutMillis int
	// Environment: "P" production, "PP" pre-production, "S" staging.
	Environment string
	// WADH is the hash a verifier asks to bind the capture to its purpose
	// (empty for authentication).
	WADH string
}

// PID is a sealed capture: everything a verifier needs, nothing the kiosk
// can read. It must never be written to disk or logs: its String, Format
// and MarshalText give a redacted form, and Wipe clears it once sent.
type PID struct {
	// Raw is the PidData XML exactly as the RD service returned it; the
	// verifier checks its signature over these bytes.
	Raw []byte
	// Quality is the capture's quality score (qScore), 0–100, and Fingers
	// how many fingers were captured. They are not biometric data.
	Quality int
	Fingers int
	Device  DeviceInfo
}

// String implements fmt.Stringer without the capture.
func (p *PID) String() string {
	if p == nil {
		return "PID(nil)"
	}
	return fmt.Sprintf("PID(%d finger(s), quality %d, %d sealed bytes)", p.Fingers, p.Quality, len(p.Raw))
}

// Format makes every verb (%v, %+v, %#v, %s, %x) print the redacted form.
func (p *PID) Format(f fmt.State, _ rune) { fmt.Fprint(f, p.String()) }

// MarshalText keeps a PID out of JSON and text encodings.
func (p *PID) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Wipe overwrites the sealed bytes: they are worthless once sent, and a
// process dump must not carry them.
func (p *PID) Wipe() {
	if p == nil {
		return
	}
	for i := range p.Raw {
		p.Raw[i] = 0
	}
	p.Raw = nil
}

// Scanner is a fingerprint scanner behind a registered-device service.
type Scanner interface {
	// Info reports the device, or ErrNotReady when none is connected.
	Info(ctx context.Context) (DeviceInfo, error)
	// Capture waits for the finger and returns the sealed capture. Errors
	// wrap ErrTimeout, ErrBusy, ErrNotReady, ErrPoorQuality or ErrDevice.
	Capture(ctx context.Context, opts CaptureOptions) (*PID, error)
}

// Errors callers branch on; the UI tells the citizen what to do for each.
var (
	ErrNotReady    = errors.New("biometric: scanner not connected or not ready")
	ErrBusy        = errors.New("biometric: scanner is in use by another application")
	ErrTimeout     = errors.New("biometric: no finger was placed in time")
	ErrPoorQuality = errors.New("biometric: the capture was not good enough")
	ErrDevice      = errors.New("biometric: scanner fault")
)
