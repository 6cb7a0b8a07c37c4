package recordbook

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
)

// job is a record of the test: PENDING until its countdown runs out.
type job struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Countdown
}

func (j job) Check() error {
	if j.ID == "" || j.Status == "" {
		return errors.New("id and status are required")
	}
	return nil
}

func (j job) Key() string { return j.ID }

func options(dir string) jsonledger.Options {
	return jsonledger.Options{Dir: dir, File: "jobs.jsonl", Owner: "test", Restart: "the test", Repair: "fix it"}
}

func open(t *testing.T, dir string, recorded func(*job)) (*Book[job], string) {
	t.Helper()
	b, report, err := Open(options(dir), "jobs", recorded)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b, report
}

func keys(b *Book[job]) string {
	var ks []string
	for _, j := range b.All() {
		ks = append(ks, j.ID+"="+j.Status)
	}
	return strings.Join(ks, ",")
}

func TestRecordAndReplay(t *testing.T) {
	dir := t.TempDir()
	var seen []string
	b, report := open(t, dir, func(j *job) { seen = append(seen, j.ID) })
	if report != "" || keys(b) != "" {
		t.Fatalf("new book: report %q, records %s", report, keys(b))
	}
	for _, j := range []job{{ID: "A", Status: "PENDING"}, {ID: "B", Status: "DONE"}, {ID: "A", Status: "DONE"}} {
		if err := b.Record(&j); err != nil {
			t.Fatal(err)
		}
	}
	// A key keeps its first place in recording order; its last record is current.
	if got := keys(b); got != "A=DONE,B=DONE" {
		t.Errorf("All() = %s, want A=DONE,B=DONE", got)
	}
	if j, ok := b.Get("A"); !ok || j.Status != "DONE" {
		t.Errorf("Get(A) = %+v, %v", j, ok)
	}
	if _, ok := b.Get("C"); ok {
		t.Errorf("Get(C) found a record never made")
	}
	if got := strings.Join(seen, ","); got != "A,B,A" {
		t.Errorf("recorded was told of %s, want A,B,A", got)
	}
	b.Close()

	// A restart replays the ledger, telling recorded again; a torn last
	// line is cut and reported.
	f, _ := os.OpenFile(filepath.Join(dir, "jobs.jsonl"), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"id":"C","sta`)
	f.Close()
	seen = nil
	b2, report := open(t, dir, func(j *job) { seen = append(seen, j.ID) })
	if got := keys(b2); got != "A=DONE,B=DONE" || strings.Join(seen, ",") != "A,B,A" {
		t.Errorf("after restart: %s, recorded told of %v", got, seen)
	}
	if want := "cut a torn last record of 14 bytes at byte "; !strings.HasPrefix(report, want) || !strings.HasSuffix(report, " of jobs.jsonl (2 jobs kept)") {
		t.Errorf("report = %q", report)
	}
}

// TestFailedRecordChangesNothing: a record the ledger could not take does
// not become current, so no reply can claim it.
func TestFailedRecordChangesNothing(t *testing.T) {
	b, _ := open(t, t.TempDir(), nil)
	if err := b.Record(&job{ID: "A", Status: "PENDING"}); err != nil {
		t.Fatal(err)
	}
	b.Close() // every write and its rollback now fail
	if err := b.Record(&job{ID: "A", Status: "DONE"}); err == nil {
		t.Fatal("Record() on a closed ledger succeeded")
	}
	if err := b.Record(&job{ID: "B", Status: "DONE"}); err == nil || b.Broken() == nil {
		t.Fatalf("Record() on a broken ledger = %v, Broken() = %v", err, b.Broken())
	}
	if got := keys(b); got != "A=PENDING" {
		t.Errorf("All() after failed records = %s, want A=PENDING", got)
	}
	// Archiving is the way out, and starts an empty book.
	if err := b.Archive("jobs-old.jsonl"); err != nil {
		t.Fatal(err)
	}
	if got := keys(b); got != "" {
		t.Errorf("All() after Archive() = %s, want none", got)
	}
	if err := b.Record(&job{ID: "C", Status: "DONE"}); err != nil {
		t.Errorf("Record() after Archive() = %v", err)
	}
}

func TestCountdown(t *testing.T) {
	for _, tt := range []struct {
		left, wantLeft int
		wantDone       bool
	}{
		{left: 3, wantLeft: 2},
		{left: 2, wantLeft: 1},
		{left: 1, wantLeft: 0, wantDone: true},
		{left: 0, wantLeft: 0, wantDone: true},  // a record written without a count
		{left: -2, wantLeft: 0, wantDone: true}, // or with a nonsense one
	} {
		c := Countdown{PollsLeft: tt.left}
		if done := c.Poll(); done != tt.wantDone || c.PollsLeft != tt.wantLeft {
			t.Errorf("Poll() from %d = %v, left %d; want %v, left %d", tt.left, done, c.PollsLeft, tt.wantDone, tt.wantLeft)
		}
	}
}

func TestValidKey(t *testing.T) {
	valid := []string{"RJ-JPR-0001-20261125-000001", "a", "K.1:2_3", strings.Repeat("k", 80)}
	invalid := []string{strings.Repeat("k", 81), "", "-leading-dash", "with space", "slash/inside", "percent%41", "देवनागरी"}
	for want, keys := range map[bool][]string{true: valid, false: invalid} {
		for _, k := range keys {
			if got := ValidKey(k); got != want {
				t.Errorf("ValidKey(%q) = %v, want %v", k, got, want)
			}
		}
	}
}

func FuzzValidKey(f *testing.F) {
	f.Add("RJ-JPR-0001-20261125-000001")
	f.Add("a/b")
	f.Add("K\n")
	f.Fuzz(func(t *testing.T, key string) {
		if !ValidKey(key) {
			return
		}
		// An accepted key travels unescaped in a URL path segment and
		// fits a ledger line.
		if len(key) == 0 || len(key) > 80 || url.PathEscape(key) != key || strings.ContainsAny(key, "\"\\\n") {
			t.Fatalf("accepted key %q", key)
		}
	})
}

func (j *job) Pending() bool { return j.Status == "PENDING" }

func (j *job) Succeed(now time.Time) { j.Status = "DONE@" + now.Format("15:04") }

func TestPoll(t *testing.T) {
	dir := t.TempDir()
	b, _ := open(t, dir, nil)
	now := func() time.Time { return time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC) }
	b.Record(&job{ID: "P", Status: "PENDING", Countdown: Countdown{PollsLeft: 2}})
	b.Record(&job{ID: "F", Status: "FAILED"})
	for _, tt := range []struct {
		key, want string
		wantLeft  int
		known     bool
	}{
		{"P", "PENDING", 1, true},
		{"P", "DONE@06:30", 0, true},
		{"P", "DONE@06:30", 0, true}, // settled: polls change nothing
		{"F", "FAILED", 0, true},
		{"X", "", 0, false},
	} {
		j, known, err := Poll(b, tt.key, now)
		if err != nil || known != tt.known || j.Status != tt.want || j.PollsLeft != tt.wantLeft {
			t.Errorf("Poll(%s) = %+v, %v, %v; want %s with %d polls left, known %v", tt.key, j, known, err, tt.want, tt.wantLeft, tt.known)
		}
	}
	// Every change was recorded: the ledger holds both polls of P.
	data, _ := os.ReadFile(filepath.Join(dir, "jobs.jsonl"))
	if n := strings.Count(string(data), `"id":"P"`); n != 3 {
		t.Errorf("ledger holds %d lines of P, want 3 (made, polled, succeeded)", n)
	}
}

// TestFailedPollChangesNothing: a poll whose change cannot be written
// leaves the record as it was.
func TestFailedPollChangesNothing(t *testing.T) {
	b, _ := open(t, t.TempDir(), nil)
	b.Record(&job{ID: "P", Status: "PENDING", Countdown: Countdown{PollsLeft: 1}})
	b.Close()
	if _, known, err := Poll(b, "P", time.Now); !known || err == nil {
		t.Fatalf("Poll() with a closed ledger = known %v, %v; want an error", known, err)
	}
	if j, _ := b.Get("P"); j.Status != "PENDING" || j.PollsLeft != 1 {
		t.Errorf("record after a failed poll = %+v, want it unchanged", j)
	}
}
