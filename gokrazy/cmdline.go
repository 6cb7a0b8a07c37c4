package gokrazy

import (
	"fmt"
	"strings"
)

// cmdlinePadding is appended to the command line so gokrazy's in-place root
// switch (regexp `root=[^ ]+` rewritten with pwrite on the raw FAT) always
// stays within the file's recorded size [gokrazy update.go switchRootPartition].
var cmdlinePadding = strings.Repeat(" ", 64)

// Cmdline is the kernel command line: the serial console, the root by
// PARTUUID of the boot partition plus an offset (1 = root A, 2 = root B),
// the kernel package's own arguments with its root= replaced and
// rootdelay= replaced by rootwait (rootdelay=10 costs a flat ten seconds),
// then extra. The result carries the 64-space padding and no newline.
func Cmdline(l Layout, kernelCmdline, serialConsole string, extra []string) string {
	var args []string
	if serialConsole != "" && serialConsole != "off" && serialConsole != "disabled" {
		// The last console= becomes /dev/console: the serial line, where
		// init's log and the kiosk's markers must appear. No console=tty1,
		// so the kernel does not print onto the kiosk's framebuffer.
		args = append(args, "console="+serialConsole)
	}
	args = append(args, fmt.Sprintf("root=PARTUUID=%s/PARTNROFF=1", PartitionGUIDString(l.PartUUID, 1)))
	hasRootwait := false
	for _, a := range strings.Fields(kernelCmdline) {
		switch {
		case strings.HasPrefix(a, "root="), strings.HasPrefix(a, "rootdelay="):
			continue
		case a == "rootwait":
			hasRootwait = true
		}
		args = append(args, a)
	}
	if !hasRootwait {
		args = append(args, "rootwait")
	}
	args = append(args, extra...)
	return strings.Join(args, " ") + cmdlinePadding
}
