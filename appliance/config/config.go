// Package config reads the kiosk's configuration: a TOML file whose every
// setting has a sane default, so a kiosk with no file at all runs (on
// simulated devices and the built-in sandbox gateway when asked to).
//
// On the appliance the file lives on /perm (the field copy a technician
// edits); the image carries a default built from gokrazy/instance.toml.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Config is the whole kiosk configuration.
type Config struct {
	// KioskID identifies the machine to the back-end and on every slip.
	KioskID string `toml:"kiosk_id"`
	// KioskName is printed on slips ("e-Mitra Plus, Sanganer").
	KioskName string `toml:"kiosk_name"`
	District  string `toml:"district"`
	Block     string `toml:"block"`
	// OpeningHours is shown on the attract screen ("08:00–20:00").
	OpeningHours string `toml:"opening_hours"`
	// Language is the language a new session starts in: "hi" or "en".
	Language string `toml:"language"`
	// TechnicianPINHash opens the technician menu (a hidden gesture, then
	// the PIN); empty: no menu. Make one with `mitractl pin-hash`.
	TechnicianPINHash string `toml:"technician_pin_hash"`
	// IdleTimeout ends an idle session (after a warning).
	IdleTimeout Duration `toml:"idle_timeout"`

	Gateway    Gateway    `toml:"gateway"`
	Charges    Charges    `toml:"charges"`
	Devices    Devices    `toml:"devices"`
	Automation Automation `toml:"automation"`
	Display    Display    `toml:"display"`
	Access     Access     `toml:"accessibility"`
}

// Gateway says where the back-end is.
type Gateway struct {
	// URL of the bill-payment gateway. Empty: the built-in sandbox, started
	// inside the kiosk on a loopback port.
	URL string `toml:"url"`
	// SandboxData is the directory of the sandbox's data files.
	SandboxData string `toml:"sandbox_data"`
	// DocumentsURL and StatusURL are the document (certificates, land
	// records, cards) and status look-up back-ends. Empty: their built-in
	// sandboxes, with data in DocumentsData and StatusData.
	DocumentsURL  string `toml:"documents_url"`
	DocumentsData string `toml:"documents_data"`
	StatusURL     string `toml:"status_url"`
	StatusData    string `toml:"status_data"`
	// PensionURL is the life-certificate back-end; empty: its built-in
	// sandbox with data in PensionData.
	PensionURL  string `toml:"pension_url"`
	PensionData string `toml:"pension_data"`
	// Timeout bounds one request to the gateway.
	Timeout Duration `toml:"timeout"`
}

// Charges are the kiosk's user charges, in rupees as decimal strings
// ("5" or "5.50") so that no float ever touches money.
type Charges struct {
	BillPayment string `toml:"bill_payment"`
	// DocumentPrint is the kiosk's charge for printing a document, on top
	// of the department's fee.
	DocumentPrint string `toml:"document_print"`
}

// DocumentPrintCharge returns the parsed document-print user charge.
func (c Charges) DocumentPrintCharge() (money.Paise, error) {
	return money.Parse(c.DocumentPrint)
}

// BillPaymentCharge returns the parsed bill-payment user charge.
func (c Charges) BillPaymentCharge() (money.Paise, error) {
	return money.Parse(c.BillPayment)
}

// Devices maps each device class to a device. "sim" selects the built-in
// simulator; otherwise "<protocol>:<address>", e.g. "essp:/dev/ttyUSB0",
// "escpos:/dev/usb/lp0", "escpos-tcp:192.0.2.10:9100".
type Devices struct {
	NoteAcceptor   string `toml:"note_acceptor"`
	ReceiptPrinter string `toml:"receipt_printer"`
	// DocumentPrinter is the A4 printer: "sim", or its IPP URI
	// ("ipp://192.0.2.20/ipp/print"); "none" when the kiosk has none (the
	// document services then say they are not available here).
	DocumentPrinter string `toml:"document_printer"`
	// FingerprintScanner is "sim", "rd" (the vendor's RD service, found on
	// 127.0.0.1 ports 11100–11120), "rd:http://127.0.0.1:11101" (at that
	// address) or "none".
	FingerprintScanner string `toml:"fingerprint_scanner"`
}

// Automation configures the support/automation HTTP endpoint.
type Automation struct {
	// Token, when set, is required as a Bearer token and allows listening
	// on addresses other than loopback.
	Token string `toml:"token"`
}

// Access is how every session starts; a citizen changes it from the
// options button on the screen, for that session only.
type Access struct {
	// Voice plays each screen's spoken prompt (Hindi or English).
	Voice bool `toml:"voice"`
	// Volume is the prompts' starting volume, 0–10.
	Volume int `toml:"volume"`
	// AudioDevice is "auto" (the first ALSA playback device, or the
	// desktop's sound on a development machine), "none", or an ALSA PCM
	// node such as /dev/snd/pcmC0D0p.
	AudioDevice  string `toml:"audio_device"`
	LargeText    bool   `toml:"large_text"`
	HighContrast bool   `toml:"high_contrast"`
}

// Display configures the screen.
type Display struct {
	Width  int   `toml:"width"`
	Height int   `toml:"height"`
	Touch  Touch `toml:"touch"`
}

// Touch orients and calibrates the touch panel on the appliance: a panel
// mounted rotated or mirrored, or a resistive panel whose edges were
// measured (zero ranges: the ranges the device reports).
type Touch struct {
	Rotate  int   `toml:"rotate"` // 0, 90, 180 or 270 degrees clockwise
	SwapXY  bool  `toml:"swap_xy"`
	InvertX bool  `toml:"invert_x"`
	InvertY bool  `toml:"invert_y"`
	MinX    int32 `toml:"min_x"`
	MaxX    int32 `toml:"max_x"`
	MinY    int32 `toml:"min_y"`
	MaxY    int32 `toml:"max_y"`
}

// Duration is a time.Duration written as "60s" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Default returns the configuration used when no file is given.
func Default() Config {
	return Config{
		KioskID:      "RJ-JPR-0001",
		KioskName:    "e-Mitra Plus, Sanganer, Jaipur",
		District:     "Jaipur",
		Block:        "Sanganer",
		OpeningHours: "08:00–20:00",
		Language:     "hi",
		IdleTimeout:  Duration{60 * time.Second},
		Gateway: Gateway{SandboxData: "testdata/sandbox", DocumentsData: "testdata/documents", StatusData: "testdata/status", PensionData: "testdata/pension",
			Timeout: Duration{10 * time.Second}},
		Charges: Charges{BillPayment: "5", DocumentPrint: "10"},
		Devices: Devices{NoteAcceptor: "sim", ReceiptPrinter: "sim", DocumentPrinter: "sim", FingerprintScanner: "sim"},
		Display: Display{Width: 1280, Height: 800},
		Access:  Access{Voice: true, Volume: 6, AudioDevice: "auto"},
	}
}

// Load reads path over the defaults. An empty path returns the defaults.
// Unknown keys are an error, so that a technician's typo does not pass
// silently.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		return c, c.Validate()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return c, fmt.Errorf("config: %s does not exist (run without -config for the defaults)", path)
		}
		return c, fmt.Errorf("config: %w", err)
	}
	md, err := toml.Decode(string(b), &c)
	if err != nil {
		return c, fmt.Errorf("config: %s: %w", path, err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		keys := make([]string, len(u))
		for i, k := range u {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("config: %s: unknown setting(s) %s", path, strings.Join(keys, ", "))
	}
	return c, c.Validate()
}

var kioskIDPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,31}$`)

// Validate checks every setting and names the first one that is wrong.
func (c Config) Validate() error {
	if !kioskIDPattern.MatchString(c.KioskID) {
		return fmt.Errorf("config: kiosk_id %q: use 3–32 capital letters, digits and dashes, like RJ-JPR-0001", c.KioskID)
	}
	if c.Language != "hi" && c.Language != "en" {
		return fmt.Errorf("config: language %q: use \"hi\" or \"en\"", c.Language)
	}
	switch c.Display.Touch.Rotate {
	case 0, 90, 180, 270:
	default:
		return fmt.Errorf("config: display.touch.rotate %d: use 0, 90, 180 or 270", c.Display.Touch.Rotate)
	}
	if t := c.Display.Touch; t.MinX > t.MaxX || t.MinY > t.MaxY {
		return fmt.Errorf("config: display.touch: min_x/min_y must not exceed max_x/max_y")
	}
	if c.Access.Volume < 0 || c.Access.Volume > 10 {
		return fmt.Errorf("config: accessibility.volume %d: use 0 to 10", c.Access.Volume)
	}
	if c.IdleTimeout.Duration < 20*time.Second {
		return fmt.Errorf("config: idle_timeout %v: at least 20s (citizens need time to read)", c.IdleTimeout)
	}
	if _, err := c.Charges.BillPaymentCharge(); err != nil {
		return fmt.Errorf("config: charges.bill_payment: %w", err)
	}
	if _, err := c.Charges.DocumentPrintCharge(); err != nil {
		return fmt.Errorf("config: charges.document_print: %w", err)
	}
	if v := c.Devices.DocumentPrinter; v != "none" && v != "sim" && !strings.HasPrefix(v, "ipp://") && !strings.HasPrefix(v, "ipps://") && !strings.HasPrefix(v, "http://") {
		return fmt.Errorf("config: devices.document_printer %q: use \"sim\", \"none\" or an IPP URI like ipp://192.0.2.20/ipp/print", v)
	}
	if v := c.Devices.FingerprintScanner; v != "sim" && v != "none" && v != "rd" && !strings.HasPrefix(v, "rd:http") {
		return fmt.Errorf("config: devices.fingerprint_scanner %q: use \"sim\", \"none\", \"rd\" or \"rd:http://127.0.0.1:11101\"", v)
	}
	for name, v := range map[string]string{"devices.note_acceptor": c.Devices.NoteAcceptor, "devices.receipt_printer": c.Devices.ReceiptPrinter} {
		if v != "sim" && !strings.Contains(v, ":") {
			return fmt.Errorf("config: %s %q: use \"sim\" or \"<protocol>:<address>\"", name, v)
		}
	}
	if c.Display.Width < 320 || c.Display.Height < 240 {
		return fmt.Errorf("config: display %dx%d is too small", c.Display.Width, c.Display.Height)
	}
	return nil
}

// Simulated reports whether every device is simulated.
func (c Config) Simulated() bool {
	return c.Devices.NoteAcceptor == "sim" && c.Devices.ReceiptPrinter == "sim" && (c.Devices.DocumentPrinter == "sim" || c.Devices.DocumentPrinter == "none")
}

// Device splits a device setting into protocol and address.
func Device(setting string) (protocol, address string) {
	protocol, address, _ = strings.Cut(setting, ":")
	return protocol, address
}
