// Package buildinfo says which build of Mitra is running, for `mitractl
// version`, the technician menu and telemetry. The version is stamped at
// link time (-X github.com/mitra-kiosk/mitra/appliance/buildinfo.Version=…);
// the VCS revision comes from the Go toolchain's build info when present.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set at link time; "dev" for a plain go build.
var Version = "dev"

// String describes this build in one line:
// "mitra dev (go1.26.8 linux/amd64, rev 1a2b3c4d5e6f, modified)".
func String() string {
	s := fmt.Sprintf("mitra %s (%s %s/%s", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.modified":
				modified = kv.Value
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			s += ", rev " + rev
		}
		if modified == "true" {
			s += ", modified"
		}
	}
	return s + ")"
}
