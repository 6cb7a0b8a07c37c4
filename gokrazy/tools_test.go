package gokrazy

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// needTool returns the path of an independent checking tool; a missing
// tool skips the test, except under CI, where it fails it.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not installed (apt-get install %s)", name, pkg)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, pkg)
	return ""
}

// runTool runs a checking tool and fails the test with its output if it
// exits non-zero.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
	}
	return out.String()
}

// extract copies a partition out of a disk image file.
func extract(t *testing.T, img string, p Partition) string {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, p.Size())
	if _, err := f.ReadAt(b, p.Offset()); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir() + "/part.img"
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}
