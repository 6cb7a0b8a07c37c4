package gokrazy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// DefaultSystemdBoot is Debian's systemd-boot (package systemd-boot-efi).
// The served amd64 kernel has no built-in command line (CONFIG_CMDLINE_BOOL
// unset), so it cannot be BOOTX64.EFI itself: a loader must pass root=.
const DefaultSystemdBoot = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"

// platform is what differs between a PC and a Raspberry Pi image.
type platform struct {
	kernel           string // kernel module
	firmware         string // boot firmware module, if any
	serialConsole    string // default console=
	needsSystemdBoot bool
	addBootFiles     func(t *tree, src bootSources) error
}

// bootSources are the inputs of the boot partition.
type bootSources struct {
	kernel, firmware string // module directories
	systemdBoot      string
	cmdline          string
	serialConsole    string
	epoch            int64 // build time: root A's entry version
}

func platformFor(arch string) (platform, error) {
	switch arch {
	case "amd64":
		return platform{
			kernel:           "github.com/gokrazy/kernel.amd64",
			serialConsole:    "ttyS0,115200",
			needsSystemdBoot: true,
			addBootFiles:     addBootFilesPC,
		}, nil
	case "arm64":
		return platform{
			kernel:        "github.com/gokrazy/kernel.rpi",
			firmware:      "github.com/gokrazy/firmware",
			serialConsole: "serial0,115200",
			addBootFiles:  addBootFilesRPi,
		}, nil
	}
	return platform{}, fmt.Errorf("gokrazy: build: unsupported architecture %q (want amd64 or arm64)", arch)
}

// addBootFilesPC fills a UEFI boot partition: the kernel, systemd-boot as
// the removable-media default loader, its entry, and cmdline.txt (read by
// gokrazy at boot, by its kexec reboot and by its root switch).
func addBootFilesPC(t *tree, src bootSources) error {
	if err := t.copyFile("/vmlinuz", 0o444, filepath.Join(src.kernel, "vmlinuz")); err != nil {
		return err
	}
	if err := t.copyFile("/EFI/BOOT/BOOTX64.EFI", 0o444, src.systemdBoot); err != nil {
		return err
	}
	if err := t.file("/cmdline.txt", 0o444, []byte(src.cmdline)); err != nil {
		return err
	}
	// No loader.conf: systemd-boot boots the first entry with timeout 0.
	// Root A's entry is blessed (no boot counter); its version is the build
	// time. An update (appliance/update) adds root B's entry with a counter
	// and its bundle's later signing time as version, and the shared
	// sort-key makes the loader order them by version, newest first, rather
	// than by file name.
	entry := fmt.Sprintf("title Mitra (root A)\nsort-key mitra\nversion %d\nlinux /vmlinuz\noptions %s\n", src.epoch, src.cmdline)
	return t.file("/loader/entries/mitra-a.conf", 0o444, []byte(entry))
}

// Globs gok copies to a Raspberry Pi boot partition [gokrazy/tools
// internal/packer/write.go].
var (
	rpiKernelGlobs   = []string{"vmlinuz", "*.dtb", "overlays/*.dtbo", "overlays/overlay_map.dtb", "boot.scr"}
	rpiFirmwareGlobs = []string{"*.bin", "*.dat", "*.elf", "*.upd", "*.sig", "overlays/*.dtbo"}
	enableUART       = regexp.MustCompile(`(?m)^enable_uart=0$`)
)

// addBootFilesRPi fills a Raspberry Pi boot partition: the GPU firmware
// (bootcode.bin, start*.elf, fixup*.dat), the kernel and device trees,
// config.txt (the kernel package's, with the UART enabled when a serial
// console is configured) and cmdline.txt.
func addBootFilesRPi(t *tree, src bootSources) error {
	for _, set := range []struct {
		dir   string
		globs []string
	}{{src.firmware, rpiFirmwareGlobs}, {src.kernel, rpiKernelGlobs}} {
		for _, g := range set.globs {
			matches, err := filepath.Glob(filepath.Join(set.dir, g))
			if err != nil {
				return fmt.Errorf("gokrazy: boot: %w", err)
			}
			sort.Strings(matches)
			for _, m := range matches {
				rel, err := filepath.Rel(set.dir, m)
				if err != nil {
					return fmt.Errorf("gokrazy: boot: %w", err)
				}
				dst := "/" + filepath.ToSlash(rel)
				if _, dup := t.entries[cleanPath(dst)]; dup {
					continue // the kernel package's overlay wins over the firmware's, as in gok
				}
				if err := t.copyFile(dst, 0o444, m); err != nil {
					return err
				}
			}
		}
	}
	if _, ok := t.entries["vmlinuz"]; !ok {
		return fmt.Errorf("gokrazy: boot: no vmlinuz in %s", src.kernel)
	}
	if _, ok := t.entries["start4.elf"]; !ok {
		return fmt.Errorf("gokrazy: boot: no start4.elf in %s (is it github.com/gokrazy/firmware?)", src.firmware)
	}
	cfg, err := os.ReadFile(filepath.Join(src.kernel, "config.txt"))
	if err != nil {
		return fmt.Errorf("gokrazy: boot: %w", err)
	}
	if src.serialConsole != "" && src.serialConsole != "off" && src.serialConsole != "disabled" {
		cfg = enableUART.ReplaceAll(cfg, []byte("enable_uart=1"))
	}
	if err := t.file("/config.txt", 0o444, cfg); err != nil {
		return err
	}
	return t.file("/cmdline.txt", 0o444, []byte(src.cmdline))
}
