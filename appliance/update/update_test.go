package update

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

const (
	testBootGUID = "60c24cc1-f3f9-427a-8199-abcdef010001"
	testOptions  = "console=ttyS0,115200 root=PARTUUID=" + testBootGUID + "/PARTNROFF=1 init=/gokrazy/init rootwait"
	partBytes    = 1 << 20
)

// fakeKiosk is a kiosk's disk and boot partition as files: /proc/cmdline,
// /sys/block/sda/sdaN/partition, /dev/sda (a GPT naming the boot
// partition's GUID), /dev/sda2 and /dev/sda3 (filled with 0xAA, so any
// write shows), and the boot file system as a directory.
type fakeKiosk struct {
	sys  System
	boot string
	dev  string
}

func newFakeKiosk(t *testing.T, cmdline string) *fakeKiosk {
	t.Helper()
	dir := t.TempDir()
	k := &fakeKiosk{
		sys:  System{Cmdline: filepath.Join(dir, "proc/cmdline"), SysBlock: filepath.Join(dir, "sys/block"), Dev: filepath.Join(dir, "dev")},
		boot: filepath.Join(dir, "boot"),
		dev:  filepath.Join(dir, "dev"),
	}
	for _, d := range []string{"proc", "dev", "boot/loader/entries"} {
		must(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	must(t, os.WriteFile(k.sys.Cmdline, []byte(cmdline+"\n"), 0o644))
	for n := 1; n <= 4; n++ {
		p := filepath.Join(k.sys.SysBlock, "sda", "sda"+string(rune('0'+n)))
		must(t, os.MkdirAll(p, 0o755))
		must(t, os.WriteFile(filepath.Join(p, "partition"), []byte(string(rune('0'+n))+"\n"), 0o644))
	}
	writeGPT(t, filepath.Join(k.dev, "sda"), testBootGUID)
	for _, p := range []string{"sda2", "sda3"} {
		must(t, os.WriteFile(filepath.Join(k.dev, p), bytes.Repeat([]byte{0xaa}, partBytes), 0o644))
	}
	must(t, os.WriteFile(filepath.Join(k.dev, "sda1"), nil, 0o644))
	entry := "title Mitra (root A)\nsort-key mitra\nversion 1\nlinux /vmlinuz\noptions " + testOptions + "\n"
	must(t, os.WriteFile(filepath.Join(k.boot, entriesDir, "mitra-a.conf"), []byte(entry), 0o444))
	must(t, os.WriteFile(filepath.Join(k.boot, cmdlineFile), []byte(testOptions+strings.Repeat(" ", 64)), 0o444))
	return k
}

// writeGPT writes just enough of a GPT for firstPartitionGUID.
func writeGPT(t *testing.T, file, guid string) {
	t.Helper()
	b := make([]byte, 3*512)
	copy(b[512:], "EFI PART")
	binary.LittleEndian.PutUint64(b[512+72:], 2)
	binary.LittleEndian.PutUint32(b[512+84:], 128)
	g, err := parseGUID(guid)
	must(t, err)
	copy(b[2*512+16:], g[:])
	must(t, os.WriteFile(file, b, 0o644))
}

func (k *fakeKiosk) mount(string) (string, func() error, error) {
	return k.boot, func() error { return nil }, nil
}

func (k *fakeKiosk) entries(t *testing.T) []Entry {
	t.Helper()
	es, err := ReadEntries(k.boot)
	must(t, err)
	return es
}

// loaderBoots does what systemd-boot does at power-on: picks the first
// entry in its order and, when it counts tries, renames it (LEFT-1,
// DONE+1) before booting. It returns the booted entry.
func (k *fakeKiosk) loaderBoots(t *testing.T) Entry {
	t.Helper()
	e, ok := Default(k.entries(t))
	if !ok {
		t.Fatal("loader: no entry to boot")
	}
	if e.Counted && e.Left > 0 {
		next := strings.TrimSuffix(e.Name, ".conf")
		next = next[:strings.IndexByte(next, '+')]
		next += "+" + itoa(e.Left-1) + "-" + itoa(e.Done+1) + ".conf"
		must(t, os.Rename(filepath.Join(k.boot, entriesDir, e.Name), filepath.Join(k.boot, entriesDir, next)))
		e.Name, e.Left, e.Done = next, e.Left-1, e.Done+1
	}
	// The kernel then runs with the entry's options as /proc/cmdline.
	must(t, os.WriteFile(k.sys.Cmdline, []byte(e.Options+"\n"), 0o644))
	return e
}

func itoa(n int) string { return strconv.Itoa(n) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	return pub, priv
}

// squashRoot is a stand-in root image: a SquashFS magic and some bytes.
func squashRoot(n int, fill byte) []byte {
	b := bytes.Repeat([]byte{fill}, n)
	copy(b, "hsqs")
	return b
}

// signedAt is the next bundle's signing time: each bundle is a minute
// newer than the last, as successive releases are.
var signedAt = time.Unix(1700000000, 0)

func bundle(t *testing.T, root []byte, priv ed25519.PrivateKey) []byte {
	t.Helper()
	signedAt = signedAt.Add(time.Minute)
	return bundleAt(t, root, priv, signedAt)
}

func bundleAt(t *testing.T, root []byte, priv ed25519.PrivateKey, at time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := WriteBundle(&buf, bytes.NewReader(root), int64(len(root)), priv, "test-build", "amd64", at)
	must(t, err)
	return buf.Bytes()
}

func TestBundleRoundTrip(t *testing.T) {
	pub, priv := newKey(t)
	root := squashRoot(5000, 0x11)
	b := bundleAt(t, root, priv, time.Unix(1700000000, 0))
	r := bytes.NewReader(b)
	h, err := ReadHeader(r, pub)
	if err != nil {
		t.Fatalf("ReadHeader() = %v", err)
	}
	if got, want := h.RootLength, uint64(len(root)); got != want {
		t.Errorf("RootLength = %d, want %d", got, want)
	}
	if h.BuildID != "test-build" || h.Arch != "amd64" || h.KeyID != KeyID(pub) || !h.Created.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("header = %+v", h)
	}
	if got := r.Len(); got != len(root) {
		t.Errorf("after the header %d bytes are left, want the root's %d", got, len(root))
	}
}

// TestInstall drives Install over bundles that must be refused before a
// byte is written, bundles that are caught while writing, and a good one.
func TestInstall(t *testing.T) {
	pub, priv := newKey(t)
	_, otherPriv := newKey(t)
	root := squashRoot(300<<10, 0x22)
	good := bundle(t, root, priv)
	hdrLen := len(good) - len(root)

	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 0x01
		return c
	}
	for _, tt := range []struct {
		name      string
		body      []byte
		key       ed25519.PublicKey
		arch      string
		wantErr   error  // errors.Is
		wantMsg   string // substring of the message
		untouched bool   // the target partition must not have changed at all
	}{
		{name: "good", body: good, key: pub},
		{name: "wrong key", body: bundle(t, root, otherPriv), key: pub, wantErr: ErrSignature, wantMsg: "bundle says it was signed by key", untouched: true},
		{name: "unsigned squashfs", body: root, key: pub, wantErr: ErrNotBundle, wantMsg: `starts with "hsqs`, untouched: true},
		{name: "empty", body: nil, key: pub, wantErr: ErrNotBundle, wantMsg: "empty upload", untouched: true},
		{name: "truncated header", body: good[:40], key: pub, wantErr: ErrNotBundle, wantMsg: "truncated", untouched: true},
		{name: "flipped byte in header", body: flip(good, 30), key: pub, wantErr: ErrSignature, untouched: true},
		{name: "flipped byte in signature", body: flip(good, hdrLen-1), key: pub, wantErr: ErrSignature, wantMsg: "altered", untouched: true},
		{name: "no fleet key", body: good, key: nil, wantErr: ErrRefused, wantMsg: "no fleet public key", untouched: true},
		{name: "other arch", body: good, key: pub, arch: "arm64", wantErr: ErrRefused, wantMsg: "is for amd64, this kiosk is arm64", untouched: true},
		{name: "flipped byte in body", body: flip(good, hdrLen+200<<10), key: pub, wantErr: ErrCorrupt, wantMsg: "wiped"},
		{name: "truncated body", body: good[:len(good)-1000], key: pub, wantErr: ErrCorrupt, wantMsg: "truncated"},
		{name: "trailing data", body: append(bytes.Clone(good), 0), key: pub, wantErr: ErrCorrupt, wantMsg: "data after"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKiosk(t, testOptions)
			arch := tt.arch
			if arch == "" {
				arch = "amd64"
			}
			in := &Installer{PublicKey: tt.key, Arch: arch, System: k.sys, Boot: k.mount}
			res, err := in.Install(bytes.NewReader(tt.body))
			target, _ := os.ReadFile(filepath.Join(k.dev, "sda3"))
			if tt.wantErr == nil && tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Install() = %v", err)
				}
				if !bytes.Equal(target[:len(root)], root) {
					t.Errorf("sda3 does not hold the root")
				}
				if res.Slot != "b" || res.Entry != "mitra-b+3.conf" {
					t.Errorf("Install() = slot %q entry %q, want b, mitra-b+3.conf", res.Slot, res.Entry)
				}
				if e, _ := Default(k.entries(t)); e.Name != "mitra-b+3.conf" || !strings.Contains(e.Options, "/PARTNROFF=2 ") {
					t.Errorf("next boot: %+v, want mitra-b+3.conf with PARTNROFF=2", e)
				}
				return
			}
			if err == nil {
				t.Fatalf("Install() succeeded, want an error")
			}
			t.Logf("refusal: %v", err)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Install() = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Install() = %v, want a message with %q", err, tt.wantMsg)
			}
			if tt.untouched {
				if !bytes.Equal(target, bytes.Repeat([]byte{0xaa}, partBytes)) {
					t.Errorf("target partition was written")
				}
				if !strings.Contains(err.Error(), "nothing was written") {
					t.Errorf("Install() = %v, want it to say nothing was written", err)
				}
			} else if !bytes.Equal(target[:wipeBytes], make([]byte, wipeBytes)) {
				t.Errorf("corrupt root was not wiped")
			}
			if e, _ := Default(k.entries(t)); e.Name != "mitra-a.conf" {
				t.Errorf("next boot after a refused update: %s, want mitra-a.conf", e.Name)
			}
			if es := k.entries(t); len(es) != 1 {
				t.Errorf("entries after a refused update: %v", names(es))
			}
		})
	}
}

// TestRollbackAndCommit plays the boot loader against the installer and the
// agent: an update that never becomes healthy is booted Tries times and
// then the loader is back on root A; a healthy one is blessed and stays.
//
// It runs in a synctest bubble: the agent's health deadline passes on the
// bubble's clock, not the machine's.
func TestRollbackAndCommit(t *testing.T) {
	synctest.Test(t, testRollbackAndCommit)
}

func testRollbackAndCommit(t *testing.T) {
	pub, priv := newKey(t)
	k := newFakeKiosk(t, testOptions)
	in := &Installer{PublicKey: pub, Arch: "amd64", System: k.sys, Boot: k.mount, Tries: 2}
	if _, err := in.Install(bytes.NewReader(bundle(t, squashRoot(4096, 1), priv))); err != nil {
		t.Fatal(err)
	}
	var said []string
	agent := func(healthy bool) (Outcome, int) {
		reboots := 0
		a := &Agent{System: k.sys, Boot: k.mount, Healthy: func() bool { return healthy }, Timeout: 2 * time.Minute, Uptime: func() time.Duration { return 0 },
			Reboot: func() error { reboots++; return nil },
			Say:    func(f string, args ...any) { said = append(said, sprintf(f, args...)) }}
		o, err := a.Run(context.Background())
		must(t, err)
		return o, reboots
	}
	for boot := 1; boot <= 2; boot++ {
		e := k.loaderBoots(t)
		if e.Slot != "b" {
			t.Fatalf("boot %d: loader chose %s, want root B's trial entry", boot, e.Name)
		}
		if o, reboots := agent(false); o != Rebooting || reboots != 1 {
			t.Fatalf("boot %d of an unhealthy root: outcome %d, %d reboots; want Rebooting, 1", boot, o, reboots)
		}
	}
	if e := k.loaderBoots(t); e.Name != "mitra-a.conf" {
		t.Fatalf("after the tries: loader chose %s, want mitra-a.conf (rollback)", e.Name)
	}
	if o, _ := agent(false); o != Committed {
		t.Errorf("on A after the rollback: outcome %d, want Committed", o)
	}
	if !strings.Contains(strings.Join(said, "\n"), "rolled back: root B (mitra-b+0-2.conf)") {
		t.Errorf("agent did not report the rollback:\n%s", strings.Join(said, "\n"))
	}

	// A second update replaces the bad entry and comes up healthy.
	if _, err := in.Install(bytes.NewReader(bundle(t, squashRoot(4096, 2), priv))); err != nil {
		t.Fatal(err)
	}
	if e := k.loaderBoots(t); e.Name != "mitra-b+1-1.conf" || e.Version != int(signedAt.Unix()) {
		t.Fatalf("second update: loader chose %s version %d, want mitra-b+1-1.conf version %d (its signing time)", e.Name, e.Version, signedAt.Unix())
	}
	if o, _ := agent(true); o != Blessed {
		t.Fatalf("healthy trial: outcome %d, want Blessed", o)
	}
	for i := 0; i < 2; i++ {
		if e := k.loaderBoots(t); e.Name != "mitra-b.conf" {
			t.Fatalf("after the blessing: loader chose %s, want mitra-b.conf", e.Name)
		}
	}
	cmdline, _ := os.ReadFile(filepath.Join(k.boot, cmdlineFile))
	if !strings.Contains(string(cmdline), "/PARTNROFF=2 ") || len(cmdline) != len(testOptions)+64 {
		t.Errorf("cmdline.txt = %q, want root B in place (same length)", cmdline)
	}

	// The next update goes to A, the previous root, and removes its entry
	// first.
	res, err := in.Install(bytes.NewReader(bundle(t, squashRoot(4096, 3), priv)))
	must(t, err)
	if res.Slot != "a" || res.Partition != filepath.Join(k.dev, "sda2") {
		t.Errorf("third update went to %s (%s), want a (sda2)", res.Slot, res.Partition)
	}
	if e := k.loaderBoots(t); e.Name != "mitra-a+1-1.conf" || !strings.Contains(e.Options, "/PARTNROFF=1 ") {
		t.Errorf("third update: loader chose %+v", e)
	}
}

func sprintf(f string, args ...any) string { return fmt.Sprintf(f, args...) }

func TestRefuseUpdateOnTrialRoot(t *testing.T) {
	pub, priv := newKey(t)
	k := newFakeKiosk(t, testOptions)
	in := &Installer{PublicKey: pub, Arch: "amd64", System: k.sys, Boot: k.mount}
	b := bundle(t, squashRoot(4096, 1), priv)
	must(t, func() error { _, err := in.Install(bytes.NewReader(b)); return err }())
	k.loaderBoots(t) // now running B on trial
	if _, err := in.Install(bytes.NewReader(b)); err == nil || !strings.Contains(err.Error(), "on trial") {
		t.Errorf("Install() on a root on trial = %v, want a refusal", err)
	}
}

// TestRefuseReplay: a bundle signed no later than the running root is
// refused before anything is written, so an old signed release cannot be
// pushed over a newer one.
func TestRefuseReplay(t *testing.T) {
	pub, priv := newKey(t)
	k := newFakeKiosk(t, testOptions)
	in := &Installer{PublicKey: pub, Arch: "amd64", System: k.sys, Boot: k.mount}
	old := bundle(t, squashRoot(4096, 1), priv)
	newer := bundle(t, squashRoot(4096, 2), priv)
	if _, err := in.Install(bytes.NewReader(newer)); err != nil {
		t.Fatal(err)
	}
	k.loaderBoots(t)
	a := &Agent{System: k.sys, Boot: k.mount, Healthy: func() bool { return true }, Uptime: func() time.Duration { return 0 }}
	if o, err := a.Run(context.Background()); o != Blessed || err != nil {
		t.Fatalf("Agent.Run() = %d, %v; want Blessed", o, err)
	}
	before, _ := os.ReadFile(filepath.Join(k.dev, "sda2"))
	_, err := in.Install(bytes.NewReader(old))
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "replaying an older bundle is refused") || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("Install(older bundle) = %v, want a replay refusal", err)
	}
	t.Logf("refusal: %v", err)
	if after, _ := os.ReadFile(filepath.Join(k.dev, "sda2")); !bytes.Equal(before, after) {
		t.Errorf("a refused replay wrote to the inactive root")
	}
	if es := k.entries(t); len(es) != 2 || es[0].Name != "mitra-b.conf" || es[1].Name != "mitra-a.conf" {
		t.Errorf("entries after a refused replay: %s", names(es))
	}
}

// TestAgentDeadlineCountsFromBoot: an updater restarted 90 s after boot
// (gokrazy restarts crashed programs) waits only the 30 s left of a
// 2-minute deadline, not another 2 minutes.
func TestAgentDeadlineCountsFromBoot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pub, priv := newKey(t)
		k := newFakeKiosk(t, testOptions)
		in := &Installer{PublicKey: pub, Arch: "amd64", System: k.sys, Boot: k.mount}
		if _, err := in.Install(bytes.NewReader(bundle(t, squashRoot(4096, 1), priv))); err != nil {
			t.Fatal(err)
		}
		k.loaderBoots(t)
		var rebootedAfter time.Duration
		begin := time.Now()
		a := &Agent{System: k.sys, Boot: k.mount, Healthy: func() bool { return false }, Timeout: 2 * time.Minute,
			Uptime: func() time.Duration { return 90 * time.Second },
			Reboot: func() error { rebootedAfter = time.Since(begin); return nil }}
		if o, err := a.Run(context.Background()); o != Rebooting || err != nil {
			t.Fatalf("Agent.Run() = %d, %v; want Rebooting", o, err)
		}
		if rebootedAfter != 30*time.Second {
			t.Errorf("rebooted %v after the agent started, want 30s (2 min after boot)", rebootedAfter)
		}
	})
}

func TestEntryNames(t *testing.T) {
	for _, tt := range []struct {
		name  string
		ok    bool
		want  Entry
		isBad bool
	}{
		{name: "mitra-a.conf", ok: true, want: Entry{Slot: "a"}},
		{name: "mitra-b+3.conf", ok: true, want: Entry{Slot: "b", Counted: true, Left: 3}},
		{name: "mitra-b+2-1.conf", ok: true, want: Entry{Slot: "b", Counted: true, Left: 2, Done: 1}},
		{name: "mitra-a+0-3.conf", ok: true, want: Entry{Slot: "a", Counted: true, Done: 3}, isBad: true},
		{name: "mitra.conf", ok: true, want: Entry{Slot: "a"}},
		{name: "mitra-c.conf"},
		{name: "mitra-a+.conf"},
		{name: "other.conf"},
	} {
		e, ok := parseEntryName(tt.name)
		if ok != tt.ok {
			t.Errorf("parseEntryName(%q) ok = %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		tt.want.Name = tt.name
		if e != tt.want || e.Bad() != tt.isBad {
			t.Errorf("parseEntryName(%q) = %+v (bad %v), want %+v (bad %v)", tt.name, e, e.Bad(), tt.want, tt.isBad)
		}
	}
}

func TestLegacyEntrySortsAfterNewStyle(t *testing.T) {
	es := []Entry{{Name: "mitra.conf", Slot: "a"}, {Name: "mitra-b+3.conf", Slot: "b", Counted: true, Left: 3, Version: 1}}
	sortEntries(es)
	if es[0].Slot != "b" {
		t.Errorf("order %v: a new-style trial entry must boot before the legacy mitra.conf", names(es))
	}
	es[0].Left = 0
	sortEntries(es)
	if es[0].Slot != "a" {
		t.Errorf("order %v: a used-up entry must sort last", names(es))
	}
}

func TestFindDisk(t *testing.T) {
	for _, tt := range []struct {
		cmdline        string
		active, inact  int
		wantErr        string
		secondSameDisk bool
	}{
		{cmdline: testOptions, active: 2, inact: 3},
		{cmdline: strings.Replace(testOptions, "PARTNROFF=1", "PARTNROFF=2", 1), active: 3, inact: 2},
		{cmdline: "console=ttyS0 root=/dev/sda3 ro", active: 3, inact: 2},
		{cmdline: "console=ttyS0 init=/gokrazy/init", wantErr: "no root="},
		{cmdline: strings.Replace(testOptions, "PARTNROFF=1", "PARTNROFF=3", 1), wantErr: "partition 4"},
		{cmdline: strings.Replace(testOptions, "010001", "020001", 1), wantErr: "no disk"},
		{cmdline: testOptions, secondSameDisk: true, wantErr: "two copies"},
	} {
		k := newFakeKiosk(t, tt.cmdline)
		if tt.secondSameDisk {
			must(t, os.MkdirAll(filepath.Join(k.sys.SysBlock, "sdb"), 0o755))
			writeGPT(t, filepath.Join(k.dev, "sdb"), testBootGUID)
		}
		d, err := k.sys.FindDisk()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("FindDisk(%q) = %v, want an error with %q", tt.cmdline, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("FindDisk(%q) = %v", tt.cmdline, err)
			continue
		}
		if d.Active != tt.active || d.Inactive != tt.inact || d.Partition(d.Inactive) != filepath.Join(k.dev, "sda"+itoa(tt.inact)) || d.Boot != filepath.Join(k.dev, "sda1") {
			t.Errorf("FindDisk(%q) = %+v, want active %d inactive %d", tt.cmdline, d, tt.active, tt.inact)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "fleet.key"), filepath.Join(dir, "fleet.pub")
	p, err := GenerateKeys(priv, pub)
	must(t, err)
	if _, err := GenerateKeys(priv, pub); err == nil {
		t.Errorf("GenerateKeys over an existing key succeeded")
	}
	sk, err := LoadPrivateKey(priv)
	must(t, err)
	pk, err := LoadPublicKey(pub)
	must(t, err)
	if !pk.Equal(p) || !sk.Public().(ed25519.PublicKey).Equal(p) {
		t.Errorf("loaded keys differ from the generated pair")
	}
	if _, err := LoadPublicKey(priv); err == nil || !strings.Contains(err.Error(), "other half") {
		t.Errorf("LoadPublicKey(private key file) = %v, want a hint", err)
	}
	if fi, _ := os.Stat(priv); fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", fi.Mode().Perm())
	}
}

func FuzzReadHeader(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	var buf bytes.Buffer
	WriteBundle(&buf, bytes.NewReader(squashRoot(64, 1)), 64, priv, "fuzz", "amd64", time.Unix(0, 0))
	f.Add(buf.Bytes())
	f.Add([]byte("MITRAUPD\x00\x01\x00\x40"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadHeader(bytes.NewReader(b), pub)
		if len(b) > preambleLen {
			parseHeader(b[preambleLen:])
		}
	})
}

func FuzzEntryName(f *testing.F) {
	for _, s := range []string{"mitra-a.conf", "mitra-b+3.conf", "mitra-b+1-2.conf", "mitra.conf", "mitra-b+99999999999999999999.conf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		e, ok := parseEntryName(name)
		if !ok {
			return
		}
		if e.Slot != "a" && e.Slot != "b" {
			t.Errorf("parseEntryName(%q) slot %q", name, e.Slot)
		}
		if !e.Counted && name != legacyEntry && entryName(e.Slot, 0) != name {
			t.Errorf("parseEntryName(%q) = %+v, which names %q", name, e, entryName(e.Slot, 0))
		}
	})
}
