package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"receipt", "render"}, {"journal"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and a usage message", args, code, errb.String())
		}
	}
}

func TestReceiptRenderAndJournalList(t *testing.T) {
	dir := t.TempDir()
	// A one-band raster job: 1 byte wide, 2 rows, then a cut.
	job := []byte{0x1B, 0x40, 0x1D, 0x76, 0x30, 0, 1, 0, 2, 0, 0xF0, 0x0F, 0x1D, 0x56, 0x42, 0}
	bin := filepath.Join(dir, "r.bin")
	os.WriteFile(bin, job, 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"receipt", "render", bin, "-o", filepath.Join(dir, "r.png")}, &out, &errb); code != 0 {
		t.Fatalf("receipt render = %d: %s", code, errb.String())
	}
	if st, err := os.Stat(filepath.Join(dir, "r.png")); err != nil || st.Size() == 0 {
		t.Errorf("no PNG written: %v", err)
	}
	os.WriteFile(bin, []byte{0x41}, 0o644)
	if code := run([]string{"receipt", "render", bin, "-o", filepath.Join(dir, "x.png")}, &out, &errb); code != 1 {
		t.Errorf("render of a non-ESC/POS file = %d, want 1", code)
	}
	out.Reset()
	if code := run([]string{"journal", "list", "--state", filepath.Join(dir, "none")}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no journal") {
		t.Errorf("journal list on a missing state = %d, %q", code, errb.String())
	}
	os.MkdirAll(filepath.Join(dir, "journal"), 0o755)
	if code := run([]string{"journal", "list", "--state", dir}, &out, &errb); code != 0 || !strings.Contains(out.String(), "0 transaction(s)") {
		t.Errorf("journal list on an empty state = %d: %s %s", code, out.String(), errb.String())
	}
}

func TestSettleUsage(t *testing.T) {
	var out, errb bytes.Buffer
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "journal"), 0o755)
	if code := run([]string{"settle", "--state", dir}, &out, &errb); code != 2 {
		t.Errorf("settle without --date = %d, want 2", code)
	}
	if code := run([]string{"settle", "--state", dir, "--date", "2026-11-25", "--count", "abc", "--operator", "x"}, &out, &errb); code != 2 {
		t.Errorf("settle with a bad count = %d, want 2", code)
	}
	out.Reset()
	if code := run([]string{"settle", "--state", dir, "--date", "2026-11-25"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "balanced") {
		t.Errorf("settle of an empty day = %d: %s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"settle", "--state", dir, "--date", "2026-11-25", "--count", "500", "--operator", "Suresh"}, &out, &errb); code != 1 || !strings.Contains(out.String(), "DOES NOT BALANCE") {
		t.Errorf("settle with ₹500 counted on a day without cash = %d: %s", code, out.String())
	}
}
