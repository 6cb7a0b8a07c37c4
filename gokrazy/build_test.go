package gokrazy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testInstance is a minimal appliance: the image test's probe as the only
// program, dhcp as a gokrazy system program, a kiosk table for /perm.
const testInstance = `
hostname = "mitra-buildtest"
serial_console = "ttyS0,115200"
system_programs = ["dhcp"]

[[program]]
package = "./gokrazy/imagetest/probe"
tags = ["noos"]
args = ["-flag", "with space"]

[kiosk]
kiosk_id = "RJ-TEST-0001"
district = "Jaipur"
`

func buildTestImage(t *testing.T, out string) *Result {
	t.Helper()
	if _, err := os.Stat(DefaultSystemdBoot); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing (apt-get install systemd-boot-efi)", DefaultSystemdBoot)
		}
		t.Skipf("%s missing (apt-get install systemd-boot-efi)", DefaultSystemdBoot)
	}
	needTool(t, "mkfs.ext4", "e2fsprogs")
	in, err := ParseInstance([]byte(testInstance))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Build(ctx, Options{Arch: "amd64", Instance: in, ModuleDir: mod, Output: out, Epoch: time.Unix(1764000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestBuildReproducible builds the same instance twice and compares the
// images' SHA-256.
func TestBuildReproducible(t *testing.T) {
	dir := t.TempDir()
	a := buildTestImage(t, filepath.Join(dir, "a.img"))
	b := buildTestImage(t, filepath.Join(dir, "b.img"))
	if a.SHA256 != b.SHA256 {
		t.Errorf("two builds differ: sha256 %s vs %s", a.SHA256, b.SHA256)
	}
	t.Logf("image sha256 %s (both builds)", a.SHA256)
}

// TestBuildCheckedByTools checks every file system of a built image with
// an independent tool and looks inside for the files gokrazy needs.
func TestBuildCheckedByTools(t *testing.T) {
	sgdisk := needTool(t, "sgdisk", "gdisk")
	fsck := needTool(t, "fsck.fat", "dosfstools")
	unsquashfs := needTool(t, "unsquashfs", "squashfs-tools")
	e2fsck := needTool(t, "e2fsck", "e2fsprogs")
	debugfs := needTool(t, "debugfs", "e2fsprogs")
	mtype := needTool(t, "mtype", "mtools")
	img := filepath.Join(t.TempDir(), "mitra.img")
	res := buildTestImage(t, img)

	if out := runTool(t, sgdisk, "-v", img); !strings.Contains(out, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", out)
	}
	boot := extract(t, img, res.Layout.Boot)
	runTool(t, fsck, "-n", boot)
	entry := runTool(t, mtype, "-i", boot, "::/loader/entries/mitra-a.conf")
	if !strings.Contains(entry, "sort-key mitra\nversion 1764000000\n") {
		t.Errorf("loader entry has no sort-key and version (appliance/update orders A and B by them):\n%s", entry)
	}
	if !strings.Contains(entry, "linux /vmlinuz\noptions "+res.Cmdline) {
		t.Errorf("loader entry does not boot /vmlinuz with the command line:\n%s", entry)
	}
	if cmdline := runTool(t, mtype, "-i", boot, "::/cmdline.txt"); cmdline != res.Cmdline {
		t.Errorf("cmdline.txt = %q, want %q", cmdline, res.Cmdline)
	}

	root := extract(t, img, res.Layout.RootA)
	if out := runTool(t, unsquashfs, "-s", root); !strings.Contains(out, "Compression gzip") {
		t.Errorf("unsquashfs -s: want gzip:\n%s", out)
	}
	listing := runTool(t, unsquashfs, "-lln", root)
	for _, want := range []string{
		"squashfs-root/gokrazy/init", "squashfs-root/gokrazy/dhcp", "squashfs-root/user/probe",
		"squashfs-root/etc/hostname", "squashfs-root/etc/localtime", "squashfs-root/etc/resolv.conf -> /tmp/resolv.conf",
		"squashfs-root/var -> /perm/var", "squashfs-root/lib/modules/",
	} {
		if !strings.Contains(listing, want) {
			t.Errorf("root file system lacks %s", want)
		}
	}

	perm := extract(t, img, res.Layout.Perm)
	runTool(t, e2fsck, "-fn", perm)
	cfg := runTool(t, debugfs, "-R", "cat /mitra/config.toml", perm)
	if !strings.Contains(cfg, `kiosk_id = "RJ-TEST-0001"`) {
		t.Errorf("/perm/mitra/config.toml:\n%s", cfg)
	}
}

// TestBuildRaspberryPi builds the arm64 (Raspberry Pi) image and checks its
// boot partition has what the Pi's ROM and GPU firmware load, and that the
// root is an arm64 SquashFS. (Booting it needs a Pi; QEMU's raspi machines
// skip the GPU firmware.)
func TestBuildRaspberryPi(t *testing.T) {
	needTool(t, "mkfs.ext4", "e2fsprogs")
	fsck := needTool(t, "fsck.fat", "dosfstools")
	mtype := needTool(t, "mtype", "mtools")
	mdir := needTool(t, "mdir", "mtools")
	sgdisk := needTool(t, "sgdisk", "gdisk")
	in, err := ParseInstance([]byte(testInstance))
	if err != nil {
		t.Fatal(err)
	}
	in.SerialConsole = ""
	mod, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "mitra-rpi.img")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Build(ctx, Options{Arch: "arm64", Instance: in, ModuleDir: mod, Output: img, Epoch: time.Unix(1764000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Cmdline, "console=serial0,115200 root=PARTUUID=") {
		t.Errorf("cmdline = %q, want the Pi's serial0 console first", res.Cmdline)
	}
	if out := runTool(t, sgdisk, "-i", "2", img); !strings.Contains(out, "B921B045-1DF0-41C3-AF44-4C6F280D3FAE") {
		t.Errorf("partition 2 is not an arm64 root:\n%s", out)
	}
	boot := extract(t, img, res.Layout.Boot)
	runTool(t, fsck, "-n", boot)
	listing := runTool(t, mdir, "-/", "-b", "-i", boot, "::/")
	for _, want := range []string{"bootcode.bin", "start4.elf", "fixup4.dat", "vmlinuz", "bcm2711-rpi-4-b.dtb", "bcm2712-rpi-5-b.dtb", "overlays/overlay_map.dtb", "cmdline.txt", "config.txt"} {
		if !strings.Contains(listing, "::/"+want+"\n") {
			t.Errorf("boot partition lacks %s", want)
		}
	}
	if cfg := runTool(t, mtype, "-i", boot, "::/config.txt"); !strings.Contains(cfg, "enable_uart=1") || !strings.Contains(cfg, "arm_control=0x200") {
		t.Errorf("config.txt:\n%s", cfg)
	}
}
