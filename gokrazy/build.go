package gokrazy

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const gokrazyMod = "github.com/gokrazy/gokrazy"

// Options configure one image build.
type Options struct {
	// Arch is the target: "amd64" (PC, UEFI) or "arm64" (Raspberry Pi 3/4/5).
	Arch string
	// Instance is the appliance configuration.
	Instance *Instance
	// ModuleDir is Mitra's module root (relative program packages and all
	// dependency versions are resolved there).
	ModuleDir string
	// Output is the image file to write.
	Output string
	// Epoch is the time stamp of every file (SOURCE_DATE_EPOCH).
	Epoch time.Time
	// GoTool is the go command; empty means "go" from $PATH.
	GoTool string
	// SystemdBoot is systemd-bootx64.efi (amd64); empty means DefaultSystemdBoot.
	SystemdBoot string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Result describes a built image.
type Result struct {
	Layout       Layout
	Cmdline      string
	RootBytes    int64 // SquashFS size
	KernelModule moduleInfo
	SHA256       string
}

// Build writes a complete, bootable disk image.
func Build(ctx context.Context, o Options) (*Result, error) {
	plat, err := platformFor(o.Arch)
	if err != nil {
		return nil, err
	}
	if o.Instance == nil {
		return nil, fmt.Errorf("gokrazy: build: no instance configuration")
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	if o.GoTool == "" {
		o.GoTool = "go"
	}
	if o.SystemdBoot == "" {
		o.SystemdBoot = DefaultSystemdBoot
	}
	if plat.needsSystemdBoot {
		if _, err := os.Stat(o.SystemdBoot); err != nil {
			return nil, fmt.Errorf("gokrazy: build: systemd-boot: %w (install it: apt-get install systemd-boot-efi)", err)
		}
	}
	in := o.Instance
	epoch := o.Epoch.Unix()
	layout, err := NewLayout(in.SizeBytes, in.Hostname, o.Arch)
	if err != nil {
		return nil, err
	}
	gb := goBuilder{goTool: o.GoTool, moduleDir: o.ModuleDir, arch: o.Arch}
	kernel, err := gb.module(ctx, plat.kernel)
	if err != nil {
		return nil, err
	}
	logf("kernel %s@%s", kernel.Path, kernel.Version)
	var firmware moduleInfo
	if plat.firmware != "" {
		if firmware, err = gb.module(ctx, plat.firmware); err != nil {
			return nil, err
		}
		logf("firmware %s@%s", firmware.Path, firmware.Version)
	}

	bin, err := os.MkdirTemp("", "mitra-image-bin-")
	if err != nil {
		return nil, fmt.Errorf("gokrazy: build: %w", err)
	}
	defer os.RemoveAll(bin)

	gm, err := gb.newGokrazyModule(ctx)
	if err != nil {
		return nil, err
	}
	defer gm.Close()

	// Programs: gokrazy's system programs, then the instance's.
	root := newTree()
	var services []service
	for _, name := range in.SystemPrograms {
		out := filepath.Join(bin, "gokrazy-"+name)
		logf("go build %s/cmd/%s", gokrazyMod, name)
		if err := gm.buildProgram(ctx, gokrazyMod+"/cmd/"+name, out); err != nil {
			return nil, err
		}
		p := "/gokrazy/" + name
		if err := root.copyFile(p, 0o555, out); err != nil {
			return nil, err
		}
		services = append(services, service{Path: p})
	}
	for _, prog := range in.Programs {
		name := path.Base(prog.Package)
		out := filepath.Join(bin, "user-"+name)
		logf("go build %s (tags %s)", prog.Package, strings.Join(append(append([]string{}, gokrazyTags...), prog.Tags...), ","))
		if err := gb.build(ctx, o.ModuleDir, prog.Package, out, prog.Tags); err != nil {
			return nil, err
		}
		p := "/user/" + name
		if err := root.copyFile(p, 0o555, out); err != nil {
			return nil, err
		}
		services = append(services, service{Path: p, Args: prog.Args, Env: prog.Env})
	}
	initSrc, err := generateInit(o.Epoch.UTC().Format(time.RFC3339), services)
	if err != nil {
		return nil, err
	}
	logf("go build init (%d services)", len(services))
	initBin := filepath.Join(bin, "init")
	if err := gm.buildInit(ctx, initSrc, initBin); err != nil {
		return nil, err
	}
	if err := root.copyFile("/gokrazy/init", 0o555, initBin); err != nil {
		return nil, err
	}
	if err := addRootFiles(root, in, kernel.Dir, o.GoTool); err != nil {
		return nil, err
	}
	for _, e := range in.Extra {
		src := e.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(o.ModuleDir, src)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return nil, fmt.Errorf("gokrazy: build: extra: %w", err)
		}
		if fi.IsDir() {
			err = root.copyDir(e.Dest, src)
		} else {
			err = root.copyFile(e.Dest, 0o444, src)
		}
		if err != nil {
			return nil, fmt.Errorf("gokrazy: build: extra %s: %w", e.Source, err)
		}
	}

	// Boot partition.
	kernelCmdline, err := os.ReadFile(filepath.Join(kernel.Dir, "cmdline.txt"))
	if err != nil {
		return nil, fmt.Errorf("gokrazy: build: kernel cmdline: %w", err)
	}
	console := in.SerialConsole
	if console == "" {
		console = plat.serialConsole
	}
	cmdline := Cmdline(layout, string(kernelCmdline), console, in.KernelExtraArgs)
	boot := newTree()
	if err := plat.addBootFiles(boot, bootSources{kernel: kernel.Dir, firmware: firmware.Dir, systemdBoot: o.SystemdBoot, cmdline: cmdline, serialConsole: console, epoch: epoch}); err != nil {
		return nil, err
	}

	// Perm partition.
	perm := newTree()
	perm.dir("/mitra", 0o755)
	kcfg, err := in.KioskConfig()
	if err != nil {
		return nil, err
	}
	if kcfg != nil {
		if err := perm.file("/mitra/config.toml", 0o644, kcfg); err != nil {
			return nil, err
		}
	}

	// Assemble: a sparse file, then each file system at its offset.
	if err := os.MkdirAll(filepath.Dir(o.Output), 0o755); err != nil {
		return nil, fmt.Errorf("gokrazy: build: %w", err)
	}
	tmp := o.Output + ".tmp"
	rootBytes, err := writeDisk(tmp, in.SizeBytes, layout, boot, root, epoch, logf)
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	defer os.Remove(tmp)
	logf("/perm ext4 at LBA %d", layout.Perm.FirstLBA)
	if err := writeExt4(ctx, tmp, layout.Perm.Offset(), layout.Perm.Size(), perm, PartitionGUIDString(layout.PartUUID, 4), epoch); err != nil {
		return nil, err
	}
	sum, err := fileSHA256(tmp)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, o.Output); err != nil {
		return nil, fmt.Errorf("gokrazy: build: %w", err)
	}
	return &Result{Layout: layout, Cmdline: cmdline, RootBytes: rootBytes, KernelModule: kernel, SHA256: sum}, nil
}

// writeDisk creates the sparse image file with the partition table, the
// boot FAT and root A, and returns the SquashFS size. Root B stays zero, as
// gok leaves it.
func writeDisk(file string, size int64, layout Layout, boot, root *tree, epoch int64, logf func(string, ...any)) (int64, error) {
	f, err := os.Create(file)
	if err != nil {
		return 0, fmt.Errorf("gokrazy: build: %w", err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return 0, fmt.Errorf("gokrazy: build: %w", err)
	}
	if err := layout.WritePartitionTable(f); err != nil {
		return 0, err
	}
	logf("boot FAT16 at LBA %d", layout.Boot.FirstLBA)
	if err := writeFAT(f, layout.Boot.Offset(), layout.Boot.Size(), boot, epoch, layout.PartUUID); err != nil {
		return 0, err
	}
	logf("root SquashFS at LBA %d", layout.RootA.FirstLBA)
	used, err := writeSquashFS(f, layout.RootA.Offset(), layout.RootA.Size(), root, epoch)
	if err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("gokrazy: build: close: %w", err)
	}
	return used, nil
}

// addRootFiles adds everything of the root file system except programs.
func addRootFiles(t *tree, in *Instance, kernelDir, goTool string) error {
	// Mount points and gokrazy's expected directories.
	for _, d := range []string{"bin", "dev", "etc", "proc", "sys", "tmp", "perm", "lib", "run", "mnt"} {
		t.dir(d, 0o555)
	}
	// gokrazy mounts a tmpfs over /etc (its compatibility mode for FAT
	// roots) when /etc/resolv.conf is missing, hiding /etc/hostname.
	// dhcp writes the resolver configuration to /tmp/resolv.conf.
	if err := t.symlink("/etc/resolv.conf", "/tmp/resolv.conf"); err != nil {
		return err
	}
	// /var is persistent: gokrazy creates /perm/var at boot.
	if err := t.symlink("/var", "/perm/var"); err != nil {
		return err
	}
	if err := t.file("/etc/hostname", 0o444, []byte(in.Hostname)); err != nil {
		return err
	}
	hosts := "127.0.0.1 localhost\n::1 localhost\n127.0.1.1 " + in.Hostname + "\n"
	if err := t.file("/etc/hosts", 0o444, []byte(hosts)); err != nil {
		return err
	}
	tz, err := zoneinfo(goTool, in.Timezone)
	if err != nil {
		return err
	}
	if err := t.file("/etc/localtime", 0o444, tz); err != nil {
		return err
	}
	// The host CA store, for the gateway's HTTPS (as gok does).
	const caStore = "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(caStore); err == nil {
		if err := t.copyFile("/etc/ssl/ca-bundle.pem", 0o444, caStore); err != nil {
			return err
		}
	}
	modules := filepath.Join(kernelDir, "lib", "modules")
	if _, err := os.Stat(modules); err == nil {
		if err := t.copyDir("/lib/modules", modules); err != nil {
			return fmt.Errorf("gokrazy: root: kernel modules: %w", err)
		}
	}
	return nil
}

// zoneinfo returns the TZif data of zone from the Go toolchain's
// zoneinfo.zip, so /etc/localtime does not depend on the build host.
func zoneinfo(goTool, zone string) ([]byte, error) {
	out, err := exec.Command(goTool, "env", "GOROOT").Output()
	goroot := strings.TrimSpace(string(out))
	if err != nil || goroot == "" {
		goroot = runtime.GOROOT()
	}
	zr, err := zip.OpenReader(filepath.Join(goroot, "lib", "time", "zoneinfo.zip"))
	if err != nil {
		return nil, fmt.Errorf("gokrazy: timezone: %w", err)
	}
	defer zr.Close()
	f, err := zr.Open(zone)
	if err != nil {
		return nil, fmt.Errorf("gokrazy: timezone %q: %w", zone, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("gokrazy: timezone %q: %w", zone, err)
	}
	return b, nil
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", fmt.Errorf("gokrazy: sha256: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("gokrazy: sha256: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SourceDateEpoch returns the build epoch: $SOURCE_DATE_EPOCH if set, else
// the time of the last commit of the repository at dir.
func SourceDateEpoch(dir string) (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("gokrazy: SOURCE_DATE_EPOCH %q: %w", s, err)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	cmd := exec.Command("git", "log", "-1", "--format=%ct")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return time.Time{}, fmt.Errorf("gokrazy: epoch: git log: %w (set SOURCE_DATE_EPOCH)", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("gokrazy: epoch: %w", err)
	}
	return time.Unix(n, 0).UTC(), nil
}
