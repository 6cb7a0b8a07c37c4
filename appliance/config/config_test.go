package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

func TestDefaultIsValid(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatalf("Load(\"\") = %v", err)
	}
	if got, want := c.IdleTimeout.Duration, 60*time.Second; got != want {
		t.Errorf("IdleTimeout = %v, want %v", got, want)
	}
	if got, _ := c.Charges.BillPaymentCharge(); got != money.Rupees(5) {
		t.Errorf("BillPaymentCharge() = %v, want ₹5", got)
	}
	if !c.Simulated() {
		t.Errorf("Simulated() = false for the default config")
	}
}

func TestLoad(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		wantErr    string
	}{
		{"override", "kiosk_id = \"RJ-AJM-0007\"\nlanguage = \"en\"\nidle_timeout = \"90s\"\n[charges]\nbill_payment = \"7.50\"\n", ""},
		{"typo", "langauge = \"en\"\n", "unknown setting(s) langauge"},
		{"bad language", "language = \"fr\"\n", "language \"fr\""},
		{"bad charge", "[charges]\nbill_payment = \"5.5.5\"\n", "charges.bill_payment"},
		{"short timeout", "idle_timeout = \"5s\"\n", "idle_timeout"},
		{"bad device", "[devices]\nnote_acceptor = \"/dev/ttyUSB0\"\n", "devices.note_acceptor"},
		{"bad toml", "kiosk_id = \n", "config:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "mitra.toml")
			if err := os.WriteFile(p, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(p)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Load() = %v", err)
				}
				if c.KioskID != "RJ-AJM-0007" || c.Language != "en" || c.IdleTimeout.Duration != 90*time.Second {
					t.Errorf("Load() = %+v, overrides not applied", c)
				}
				if got, _ := c.Charges.BillPaymentCharge(); got != 750 {
					t.Errorf("BillPaymentCharge() = %v, want ₹7.50", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Load() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Load(missing) = %v, want a does-not-exist error", err)
	}
}

func TestTouchOrientation(t *testing.T) {
	for _, tt := range []struct {
		toml string
		ok   bool
	}{
		{"[display.touch]\nrotate = 90\nswap_xy = true\nmin_x = 200\nmax_x = 3900\n", true},
		{"[display.touch]\nrotate = 45\n", false},
		{"[display.touch]\nmin_y = 4000\nmax_y = 100\n", false},
	} {
		c := Default()
		if _, err := toml.Decode(tt.toml, &c); err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); (err == nil) != tt.ok {
			t.Errorf("%q: Validate = %v, want ok=%v", tt.toml, err, tt.ok)
		}
	}
}
