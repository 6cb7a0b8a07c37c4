package jsonledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry is a minimal record: a key and a positive amount.
type entry struct {
	Key    string `json:"key"`
	Amount int    `json:"amount"`
}

func (e entry) Check() error {
	if e.Key == "" || e.Amount <= 0 {
		return errors.New("key and a positive amount are required")
	}
	return nil
}

func line(key string, amount int) string {
	b, _ := json.Marshal(entry{key, amount})
	return string(b)
}

var opts = Options{File: "entries.jsonl", Owner: "test", Restart: "the test", Repair: "fix it by hand"}

func open(t *testing.T, dir string) (*Ledger[entry], Contents[entry]) {
	t.Helper()
	o := opts
	o.Dir = dir
	l, lc, err := Open[entry](o)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, lc
}

func TestParse(t *testing.T) {
	a, b := line("A", 1), line("B", 2)
	for _, tt := range []struct {
		name, in           string
		wantKeys           string
		wantKeep, wantTorn int
		unterminated       bool
		wantDamageAt       int // -1: no damage
	}{
		{name: "empty", wantDamageAt: -1},
		{name: "two records", in: a + "\n" + b + "\n", wantKeys: "A,B", wantKeep: len(a) + len(b) + 2, wantDamageAt: -1},
		{name: "same key twice", in: a + "\n" + a + "\n", wantKeys: "A,A", wantKeep: 2*len(a) + 2, wantDamageAt: -1},
		{name: "torn tail", in: a + "\n" + b[:5], wantKeys: "A", wantKeep: len(a) + 1, wantTorn: 5, wantDamageAt: -1},
		{name: "torn tail of NULs", in: a + "\n\x00\x00\x00", wantKeys: "A", wantKeep: len(a) + 1, wantTorn: 3, wantDamageAt: -1},
		{name: "NULs and a newline", in: a + "\n\x00\x00\n\x00", wantKeys: "A", wantKeep: len(a) + 1, wantTorn: 4, wantDamageAt: -1},
		{name: "unterminated last record", in: a + "\n" + b, wantKeys: "A,B", wantKeep: len(a) + len(b) + 1, unterminated: true, wantDamageAt: -1},
		{name: "last line fails Check", in: a + "\n" + line("", 3) + "\n", wantKeys: "A", wantKeep: len(a) + 1, wantTorn: len(line("", 3)) + 1, wantDamageAt: -1},
		{name: "damage in the middle", in: a + "\n" + b[:5] + "\n" + b + "\n", wantDamageAt: len(a) + 1},
		{name: "garbage first", in: "garbage\n" + a + "\n", wantDamageAt: 0},
		{name: "bad record before a good one", in: line("C", 0) + "\n" + a + "\n", wantDamageAt: 0},
	} {
		lc, err := Parse[entry]([]byte(tt.in))
		var de *DamageError
		if tt.wantDamageAt >= 0 {
			if !errors.As(err, &de) || de.Offset != tt.wantDamageAt {
				t.Errorf("%s: Parse() error = %v, want damage at byte %d", tt.name, err, tt.wantDamageAt)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Parse() error = %v", tt.name, err)
			continue
		}
		var keys []string
		for _, r := range lc.Records {
			keys = append(keys, r.Key)
		}
		if got := strings.Join(keys, ","); got != tt.wantKeys {
			t.Errorf("%s: Parse() keys = %s, want %s", tt.name, got, tt.wantKeys)
		}
		if err := repairable([]byte(tt.in), lc); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if lc.Keep != tt.wantKeep || lc.TornBytes != tt.wantTorn || lc.Unterminated != tt.unterminated {
			t.Errorf("%s: Parse() keep %d torn %d unterminated %v, want %d %d %v",
				tt.name, lc.Keep, lc.TornBytes, lc.Unterminated, tt.wantKeep, tt.wantTorn, tt.unterminated)
		}
	}
}

// repairable reports what is wrong with lc as the parse of in: what is kept
// and what is cut must add up to in, every kept record must pass Check, and
// the kept prefix, which is what the next start reads, must parse again to
// the same records with nothing torn.
func repairable(in []byte, lc Contents[entry]) error {
	if lc.Keep+lc.TornBytes != len(in) {
		return fmt.Errorf("keep %d + torn %d != %d bytes", lc.Keep, lc.TornBytes, len(in))
	}
	for _, r := range lc.Records {
		if err := r.Check(); err != nil {
			return fmt.Errorf("kept %+v, which fails Check: %v", r, err)
		}
	}
	again, err := Parse[entry](in[:lc.Keep])
	if err != nil || len(again.Records) != len(lc.Records) || again.TornBytes != 0 {
		return fmt.Errorf("kept prefix re-parses as %d records, torn %d, %v; want %d, 0, nil", len(again.Records), again.TornBytes, err, len(lc.Records))
	}
	return nil
}

func FuzzParse(f *testing.F) {
	a, b := line("A", 1), line("B", 2)
	for _, seed := range []string{a + "\n" + b + "\n", a + "\n" + b[:7], a + "\n" + b, "\x00\x00\n" + a, a + "\n{}\n" + b + "\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		lc, err := Parse[entry](in)
		var de *DamageError
		switch {
		case errors.As(err, &de) && de.Offset >= 0 && de.Offset < len(in):
		case err != nil:
			t.Fatalf("Parse() error %v is not a damage inside the input", err)
		default:
			if err := repairable(in, lc); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestOpenRepairsTheTail(t *testing.T) {
	a, b := line("A", 1), line("B", 2)
	for _, tt := range []struct {
		name, content, want string
		wantTorn            int
	}{
		{"missing file", "", "", 0},
		{"intact", a + "\n", a + "\n", 0},
		{"torn tail cut", a + "\n" + b[:6], a + "\n", 6},
		{"unterminated record terminated", a + "\n" + b, a + "\n" + b + "\n", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state") // Open creates it
			if tt.content != "" {
				os.MkdirAll(dir, 0o755)
				os.WriteFile(filepath.Join(dir, opts.File), []byte(tt.content), 0o644)
			}
			l, lc := open(t, dir)
			if lc.TornBytes != tt.wantTorn {
				t.Errorf("torn bytes = %d, want %d", lc.TornBytes, tt.wantTorn)
			}
			if err := l.Append(entry{"C", 3}); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(filepath.Join(dir, opts.File))
			if want := tt.want + line("C", 3) + "\n"; string(got) != want {
				t.Errorf("file after Append = %q, want %q", got, want)
			}
		})
	}
}

func TestOpenRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, opts.File)
	content := "garbage\n" + line("A", 1) + "\n"
	os.WriteFile(path, []byte(content), 0o644)
	o := opts
	o.Dir = dir
	_, _, err := Open[entry](o)
	var de *DamageError
	if !errors.As(err, &de) || de.Offset != 0 {
		t.Fatalf("Open() of a damaged ledger = %v, want a *DamageError at byte 0", err)
	}
	want := "test: ledger: record at byte 0: "
	if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, "good records follow it") ||
		!strings.HasSuffix(msg, "; fix it by hand ("+path+")") {
		t.Errorf("Open() error = %q, want it to start %q, say good records follow and end with the repair and path", msg, want)
	}
	if got, _ := os.ReadFile(path); string(got) != content {
		t.Errorf("Open() changed a damaged ledger: %q", got)
	}
}

func TestFailedAppendBreaksTheLedger(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir)
	if err := l.Append(entry{"A", 1}); err != nil {
		t.Fatal(err)
	}
	l.Close() // the write and its rollback now fail
	if err := l.Append(entry{"B", 2}); err == nil {
		t.Fatal("Append() to a closed file succeeded")
	}
	if l.Broken() == nil || !strings.Contains(l.Broken().Error(), "restart the test") {
		t.Fatalf("Broken() = %v, want an error naming what to restart", l.Broken())
	}
	if err := l.Append(entry{"C", 3}); err != l.Broken() {
		t.Errorf("Append() to a broken ledger = %v, want %v", err, l.Broken())
	}
	// Archiving is the way out: the old file is kept aside, a new one works.
	if err := l.Archive("entries-old.jsonl"); err != nil {
		t.Fatalf("Archive() of a broken ledger = %v", err)
	}
	if err := l.Append(entry{"D", 4}); err != nil || l.Broken() != nil {
		t.Fatalf("Append() after Archive() = %v, broken %v", err, l.Broken())
	}
	old, _ := os.ReadFile(filepath.Join(dir, "entries-old.jsonl"))
	cur, _ := os.ReadFile(filepath.Join(dir, opts.File))
	if string(old) != line("A", 1)+"\n" || string(cur) != line("D", 4)+"\n" {
		t.Errorf("after Archive(): aside %q, current %q", old, cur)
	}
}

func TestArchiveOfAnEmptyLedgerKeepsIt(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir)
	if err := l.Archive("entries-old.jsonl"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "entries-old.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Archive() of an empty ledger moved it aside (%v)", err)
	}
	if err := l.Append(entry{"A", 1}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	_, lc := open(t, dir)
	if len(lc.Records) != 1 || !bytes.Equal([]byte(lc.Records[0].Key), []byte("A")) {
		t.Errorf("reopened ledger holds %+v, want record A", lc.Records)
	}
}
