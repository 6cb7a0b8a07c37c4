package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/update"
)

// TestKeygenAndRefusedUpdates runs keygen, then pushes files a kiosk must
// refuse before writing (an unsigned SquashFS, a bundle from another key)
// to the kiosk's real handler; the refusal reaches the technician verbatim.
func TestKeygenAndRefusedUpdates(t *testing.T) {
	dir := t.TempDir()
	key, pub := filepath.Join(dir, "fleet.key"), filepath.Join(dir, "fleet.pub")
	var out, errb bytes.Buffer
	if code := run([]string{"keygen", "-key", key, "-pub", pub}, &out, &errb); code != 0 || !strings.Contains(out.String(), "fleet key ") {
		t.Fatalf("keygen = %d: %s %s", code, out.String(), errb.String())
	}
	if code := run([]string{"keygen", "-key", key, "-pub", pub}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "never overwritten") {
		t.Errorf("second keygen = %d: %s", code, errb.String())
	}
	trusted, err := update.LoadPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	// The installer refuses before it looks for a disk, so none is needed.
	srv := httptest.NewServer(update.Handler(&update.Installer{PublicKey: trusted, Arch: "amd64"}, nil, nil))
	defer srv.Close()
	target := strings.TrimPrefix(srv.URL, "http://")

	raw := filepath.Join(dir, "root.squashfs")
	os.WriteFile(raw, append([]byte("hsqs"), make([]byte, 1<<20)...), 0o644)
	errb.Reset()
	if code := run([]string{"update", "--image", raw, "--target", target}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "403 Forbidden") || !strings.Contains(errb.String(), "not a signed Mitra update bundle") || !strings.Contains(errb.String(), "nothing was written") {
		t.Errorf("update with an unsigned root = %d: %s", code, errb.String())
	}

	otherKey, otherPub := filepath.Join(dir, "other.key"), filepath.Join(dir, "other.pub")
	if _, err := update.GenerateKeys(otherKey, otherPub); err != nil {
		t.Fatal(err)
	}
	sk, _ := update.LoadPrivateKey(otherKey)
	b := filepath.Join(dir, "foreign.bundle")
	f, _ := os.Create(b)
	root := append([]byte("hsqs"), make([]byte, 4096)...)
	if _, err := update.WriteBundle(f, bytes.NewReader(root), int64(len(root)), sk, "x", "amd64", srvTime()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	errb.Reset()
	if code := run([]string{"update", "--image", b, "--target", target}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "signature does not verify") {
		t.Errorf("update with a foreign bundle = %d: %s", code, errb.String())
	}
	if code := run([]string{"update", "--target", target}, &out, &errb); code != 2 {
		t.Errorf("update without --image = %d, want 2", code)
	}
}

func srvTime() time.Time { return time.Unix(1700000000, 0) }
