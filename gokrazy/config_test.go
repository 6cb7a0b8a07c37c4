package gokrazy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/appliance/config"
)

// TestInstanceKioskConfig checks that the shipped instance's [kiosk] table,
// as written to /perm, is a valid kiosk configuration.
func TestInstanceKioskConfig(t *testing.T) {
	in, err := LoadInstance("instance.toml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := in.KioskConfig()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(file)
	if err != nil {
		t.Fatalf("config.Load(kiosk table) = %v\n%s", err, b)
	}
	if got, want := c.KioskID, "RJ-JPR-0001"; got != want {
		t.Errorf("KioskID = %q, want %q", got, want)
	}
	if got, want := c.Gateway.SandboxData, "/etc/mitra/sandbox"; got != want {
		t.Errorf("Gateway.SandboxData = %q, want %q (the [[extra]] dest)", got, want)
	}
	var found bool
	for _, p := range in.Programs {
		if p.Package == "./cmd/mitra" && strings.Contains(strings.Join(p.Args, " "), "-config "+PermConfigPath) {
			found = true
		}
	}
	if !found {
		t.Errorf("./cmd/mitra is not started with -config %s", PermConfigPath)
	}
}

func TestParseInstanceErrors(t *testing.T) {
	for _, tt := range []struct {
		name, toml, want string
	}{
		{"no hostname", `timezone = "Asia/Kolkata"`, "hostname is required"},
		{"unknown key", "hostname = \"x\"\nhostnme = \"y\"", "unknown keys hostnme"},
		{"bad network", "hostname = \"x\"\n[network]\nmode = \"wifi\"", "network.mode"},
		{"extra into perm", "hostname = \"x\"\n[[extra]]\nsource = \"a\"\ndest = \"/perm/a\"", "not / or /perm"},
		{"duplicate program", "hostname = \"x\"\n[[program]]\npackage = \"./a/mitra\"\n[[program]]\npackage = \"./b/mitra\"", "two programs named"},
	} {
		_, err := ParseInstance([]byte(tt.toml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseInstance() = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	in, err := ParseInstance([]byte("hostname = \"x\"\n[network]\nmode = \"none\""))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(in.SystemPrograms, ","); got != "randomd" {
		t.Errorf("network none: system programs = %q, want randomd only", got)
	}
}
