package gokrazy

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
)

// Instance is one appliance's build configuration (gokrazy/instance.toml).
type Instance struct {
	// Hostname goes to /etc/hostname (gokrazy's init exits without it) and
	// seeds the partition GUIDs.
	Hostname string `toml:"hostname"`
	// SizeBytes is the disk image size; 0 means DefaultDiskSize.
	SizeBytes int64 `toml:"size_bytes"`
	// Timezone is copied to /etc/localtime from Go's zoneinfo.
	Timezone string `toml:"timezone"`
	// SerialConsole is the console= argument; empty means the platform's
	// ("ttyS0,115200" on a PC, "serial0,115200" on a Pi); "off" for none.
	SerialConsole string `toml:"serial_console"`
	// KernelExtraArgs are appended to the kernel command line.
	KernelExtraArgs []string `toml:"kernel_extra_args"`
	// SystemPrograms are the gokrazy system programs copied to /gokrazy
	// (names under github.com/gokrazy/gokrazy/cmd/).
	SystemPrograms []string `toml:"system_programs"`
	// Programs are supervised by init, installed as /user/<basename>.
	Programs []Program `toml:"program"`
	// Extra are host files or directories copied into the root file system
	// (gokrazy's ExtraFilePaths), e.g. the sandbox gateway's data.
	Extra []Extra `toml:"extra"`
	// Network documents the uplink; gokrazy's dhcp program configures it.
	Network Network `toml:"network"`
	// Kiosk is the kiosk's field configuration (appliance/config format),
	// written to PermConfigPath on /perm so technicians can edit it in the
	// field without rebuilding the image.
	Kiosk map[string]any `toml:"kiosk"`
}

// Program is one supervised program.
type Program struct {
	// Package is a Go package path, relative (./cmd/mitra) to the module
	// root or a full import path.
	Package string `toml:"package"`
	// Tags are added to gokrazy's build tags (gokrazy,netgo,osusergo).
	Tags []string `toml:"tags"`
	// Args are the program's command-line flags, compiled into init.
	Args []string `toml:"args"`
	// Env entries (KEY=value) are added to the program's environment.
	Env []string `toml:"env"`
}

// Extra is one host file or directory copied into the image's root.
type Extra struct {
	// Source is relative to the module root (or absolute).
	Source string `toml:"source"`
	// Dest is the absolute path in the root file system; /perm is not part
	// of the root (use the kiosk table for /perm's content).
	Dest string `toml:"dest"`
}

// Network describes the uplink.
type Network struct {
	// Mode is "dhcp" (gokrazy's /gokrazy/dhcp) or "none".
	Mode string `toml:"mode"`
}

// PermConfigPath is where the kiosk's field configuration lives on the
// device; on the /perm file system image it is mitra/config.toml.
const PermConfigPath = "/perm/mitra/config.toml"

// LoadInstance reads and validates an instance file.
func LoadInstance(file string) (*Instance, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("gokrazy: instance: %w", err)
	}
	return ParseInstance(b)
}

// ParseInstance parses and validates an instance configuration, filling in
// defaults.
func ParseInstance(b []byte) (*Instance, error) {
	var in Instance
	md, err := toml.Decode(string(b), &in)
	if err != nil {
		return nil, fmt.Errorf("gokrazy: instance: %w", err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		var keys []string
		for _, k := range un {
			if len(k) > 0 && k[0] == "kiosk" {
				continue // free-form: validated by appliance/config on the device
			}
			keys = append(keys, k.String())
		}
		if len(keys) > 0 {
			return nil, fmt.Errorf("gokrazy: instance: unknown keys %s", strings.Join(keys, ", "))
		}
	}
	if in.Hostname == "" {
		return nil, fmt.Errorf("gokrazy: instance: hostname is required (gokrazy's init exits without /etc/hostname)")
	}
	if in.SizeBytes == 0 {
		in.SizeBytes = DefaultDiskSize
	}
	if in.Timezone == "" {
		in.Timezone = "Asia/Kolkata"
	}
	if in.Network.Mode == "" {
		in.Network.Mode = "dhcp"
	}
	switch in.Network.Mode {
	case "dhcp", "none":
	default:
		return nil, fmt.Errorf("gokrazy: instance: network.mode %q: want dhcp or none", in.Network.Mode)
	}
	if in.SystemPrograms == nil {
		in.SystemPrograms = []string{"dhcp", "ntp", "randomd"}
	}
	if in.Network.Mode == "none" {
		var progs []string
		for _, p := range in.SystemPrograms {
			if p != "dhcp" && p != "ntp" {
				progs = append(progs, p)
			}
		}
		in.SystemPrograms = progs
	}
	for _, e := range in.Extra {
		if e.Source == "" || !strings.HasPrefix(e.Dest, "/") {
			return nil, fmt.Errorf("gokrazy: instance: [[extra]] needs a source and an absolute dest (got %q → %q)", e.Source, e.Dest)
		}
		if d := path.Clean(e.Dest); d == "/perm" || strings.HasPrefix(d, "/perm/") || d == "/" {
			return nil, fmt.Errorf("gokrazy: instance: [[extra]] dest %q: must be inside the root file system, not / or /perm", e.Dest)
		}
	}
	seen := map[string]bool{}
	for _, p := range in.Programs {
		if p.Package == "" {
			return nil, fmt.Errorf("gokrazy: instance: a [[program]] has no package")
		}
		base := path.Base(p.Package)
		if seen[base] {
			return nil, fmt.Errorf("gokrazy: instance: two programs named %q (/user/<basename> must be unique)", base)
		}
		seen[base] = true
	}
	return &in, nil
}

// KioskConfig is the TOML of the kiosk's field configuration, with keys
// sorted so the /perm image is reproducible; nil when there is none.
func (in *Instance) KioskConfig() ([]byte, error) {
	if len(in.Kiosk) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	buf.WriteString("# Field configuration of kiosk " + in.Hostname + ", written by mitra-image.\n")
	if err := toml.NewEncoder(&buf).Encode(in.Kiosk); err != nil {
		return nil, fmt.Errorf("gokrazy: kiosk config: %w", err)
	}
	return buf.Bytes(), nil
}
