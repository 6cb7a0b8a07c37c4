package gokrazy

import (
	"strings"
	"testing"
)

func TestCmdline(t *testing.T) {
	l, err := NewLayout(DefaultDiskSize, "gokrazy", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		kernel  string
		console string
		extra   []string
		want    string
	}{
		{
			name:    "kernel.amd64",
			kernel:  "root=/dev/sda2 ro init=/gokrazy/init panic=10 oops=panic rootdelay=10 pci=nommconf\n",
			console: "ttyS0,115200",
			extra:   []string{"quiet"},
			want:    "console=ttyS0,115200 root=PARTUUID=60c24cc1-f3f9-427a-8199-2e18c40c0001/PARTNROFF=1 ro init=/gokrazy/init panic=10 oops=panic pci=nommconf rootwait quiet",
		},
		{
			name:    "kernel.rpi, no serial",
			kernel:  "root=/dev/mmcblk0p2 init=/gokrazy/init rootwait panic=10 oops=panic",
			console: "off",
			want:    "root=PARTUUID=60c24cc1-f3f9-427a-8199-2e18c40c0001/PARTNROFF=1 init=/gokrazy/init rootwait panic=10 oops=panic",
		},
	} {
		got := Cmdline(l, tt.kernel, tt.console, tt.extra)
		if !strings.HasSuffix(got, strings.Repeat(" ", 64)) || strings.Contains(got, "\n") {
			t.Errorf("%s: Cmdline() = %q: want 64 trailing spaces and no newline", tt.name, got)
		}
		if got := strings.TrimRight(got, " "); got != tt.want {
			t.Errorf("%s: Cmdline() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
