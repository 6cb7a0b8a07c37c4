package imagetest

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/update"
	"github.com/mitra-kiosk/mitra/gokrazy"
	"github.com/mitra-kiosk/mitra/gokrazy/qemu"
)

// Markers cmd/mitra-update writes to the console.
const (
	updateListening = "MITRA-UPDATE: listening"
	probeFrame      = "MITRA-PROBE: first frame"
)

// TestUpdateRollback boots image A, pushes a signed bundle whose kiosk
// never becomes healthy and waits until the loader has used up its tries
// and is back on root A; then pushes a good bundle, which blesses itself
// and survives a reset. It also checks that an unsigned root and a bundle
// signed by another key are refused over the network.
func TestUpdateRollback(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "fleet.key"), filepath.Join(dir, "fleet.pub")
	if _, err := update.GenerateKeys(priv, pub); err != nil {
		t.Fatal(err)
	}

	good := filepath.Join(dir, "good.img")
	buildUpdateImage(t, ctx, pub, good, nil)
	bad := filepath.Join(dir, "bad.img")
	buildUpdateImage(t, ctx, pub, bad, []string{"-unhealthy"})
	badBundle, goodBundle := filepath.Join(dir, "bad.bundle"), filepath.Join(dir, "good.bundle")
	sign(t, bad, priv, badBundle, "broken-kiosk")
	sign(t, good, priv, goodBundle, "good-kiosk")

	port := freePort(t)
	base := "http://127.0.0.1:" + port
	vm := startVM(t, ctx, qemu.Config{Image: good, Dir: t.TempDir(), HostForward: []string{"tcp:127.0.0.1:" + port + "-:7080"}})
	wait := func(mark int, marker string) (time.Duration, string) {
		t.Helper()
		at, line, err := vm.WaitSerialSince(ctx, mark, marker)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%6.1fs  %s", at.Seconds(), line)
		return at, line
	}
	wait(0, "MITRA-UPDATE: running root A, entry mitra-a.conf")
	wait(0, updateListening)
	wait(0, probeFrame)

	// Refusals: nothing may be written, the kiosk keeps running A.
	rawRoot := filepath.Join(dir, "raw.squashfs")
	writeRawRoot(t, good, rawRoot)
	if _, err := pushWhenUp(ctx, base, rawRoot); err == nil || !strings.Contains(err.Error(), "not a signed Mitra update bundle") {
		t.Errorf("unsigned root: %v, want a refusal", err)
	} else {
		t.Logf("unsigned root refused: %v", err)
	}
	otherPriv, otherPub := filepath.Join(dir, "other.key"), filepath.Join(dir, "other.pub")
	if _, err := update.GenerateKeys(otherPriv, otherPub); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.bundle")
	sign(t, good, otherPriv, foreign, "foreign")
	if _, err := update.Push(base, foreign, true); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Errorf("bundle from another key: %v, want a refusal", err)
	} else {
		t.Logf("foreign key refused: %v", err)
	}

	// A broken kiosk: two trial boots of B, then the loader falls back to A.
	mark := vm.SerialMark()
	res, err := update.Push(base, badBundle, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("broken update pushed in %v: %s", res.Elapsed.Round(time.Millisecond), res.Message)
	pushed := time.Since(vm.Started())
	wait(mark, "MITRA-UPDATE: running root B, entry mitra-b+1-1.conf")
	wait(mark, "MITRA-PROBE: unhealthy build")
	wait(mark, "MITRA-UPDATE: running root B, entry mitra-b+0-2.conf")
	at, _ := wait(mark, "MITRA-UPDATE: rolled back: root B (mitra-b+0-2.conf)")
	wait(mark, "MITRA-UPDATE: running root A, entry mitra-a.conf")
	t.Logf("rollback: back on root A %v after the push", (at - pushed).Round(time.Second))
	wait(mark, probeFrame)

	// A good kiosk: one trial boot, blessed, and still B after a reset.
	st, err := waitStatus(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if st.Active != "A" || st.Trial {
		t.Fatalf("after the rollback: status %+v, want root A committed", st)
	}
	mark = vm.SerialMark()
	res, err = update.Push(base, goodBundle, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("UPDATE TIME (transfer+verify+write+fsync+switch): %v — %s", res.Elapsed.Round(time.Millisecond), res.Message)
	pushed = time.Since(vm.Started())
	wait(mark, "MITRA-UPDATE: running root B, entry mitra-b+1-1.conf")
	wait(mark, probeFrame)
	at, _ = wait(mark, "MITRA-UPDATE: blessed root B")
	t.Logf("REBOOT TO HEALTHY (push answered → blessed): %v", (at - pushed).Round(100*time.Millisecond))

	mark = vm.SerialMark()
	if err := vm.Reset(); err != nil {
		t.Fatal(err)
	}
	wait(mark, "MITRA-UPDATE: running root B, entry mitra-b.conf")
	wait(mark, probeFrame)
	if st, err := waitStatus(ctx, base); err != nil {
		t.Fatal(err)
	} else if st.Active != "B" || st.Trial {
		t.Errorf("after a reset: status %+v, want root B committed", st)
	} else {
		t.Logf("after a reset: root %s, entries %v", st.Active, st.Entries)
	}
	// The updater's own account of all boots, for the record.
	var lines []string
	for _, l := range strings.Split(vm.SerialLog(), "\n") {
		if strings.Contains(l, "MITRA-UPDATE: ") || strings.Contains(l, "BdsDxe: starting") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	t.Logf("serial console, updater lines:\n%s", strings.Join(lines, "\n"))
}

// buildUpdateImage builds update.toml with the fleet key and the probe's
// extra arguments.
func buildUpdateImage(t *testing.T, ctx context.Context, pub, out string, probeArgs []string) {
	t.Helper()
	mod := moduleDir(t)
	in, err := gokrazy.LoadInstance(filepath.Join(mod, "gokrazy/imagetest/update.toml"))
	if err != nil {
		t.Fatal(err)
	}
	in.Extra = append(in.Extra, gokrazy.Extra{Source: pub, Dest: update.DefaultPublicKeyFile})
	for i := range in.Programs {
		if strings.HasSuffix(in.Programs[i].Package, "/probe") {
			in.Programs[i].Args = probeArgs
		}
	}
	buildInstance(t, ctx, mod, in, out)
}

func sign(t *testing.T, img, keyFile, out, buildID string) {
	t.Helper()
	key, err := update.LoadPrivateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	root := rootOf(t, img)
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := update.WriteBundle(w, root, root.Size(), key, buildID, "amd64", time.Now()); err != nil {
		t.Fatal(err)
	}
}

// writeRawRoot copies img's root partition to out: an unsigned "update".
func writeRawRoot(t *testing.T, img, out string) {
	t.Helper()
	b, err := io.ReadAll(rootOf(t, img))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rootOf is the root A partition of disk image img (open until the test
// ends).
func rootOf(t *testing.T, img string) *io.SectionReader {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	off, n, err := update.RootOfDiskImage(f)
	if err != nil {
		t.Fatal(err)
	}
	return io.NewSectionReader(f, off, n)
}

// pushWhenUp pushes once the endpoint answers (DHCP and the listener come
// up after the first frame marker on a slow machine).
func pushWhenUp(ctx context.Context, base, file string) (*update.PushResult, error) {
	if _, err := waitStatus(ctx, base); err != nil {
		return nil, err
	}
	return update.Push(base, file, true)
}

func waitStatus(ctx context.Context, base string) (*update.Status, error) {
	c := httpClient()
	for {
		st, err := update.GetStatus(c, base)
		if err == nil {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func httpClient() *http.Client { return &http.Client{Timeout: 5 * time.Second} }
