package journal

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"
)

func appendN(t testing.TB, j *Journal, n int) {
	t.Helper()
	for i := range n {
		body, _ := json.Marshal(map[string]int{"i": i})
		if _, err := j.Append(Record{Txn: fmt.Sprintf("T-%d", i/3), Type: "step", Body: body}); err != nil {
			t.Fatal(err)
		}
	}
}

func replayAll(t *testing.T, dir string) ([]Record, []Damage) {
	t.Helper()
	var rs []Record
	dmg, err := Replay(dir, func(r Record) error { rs = append(rs, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return rs, dmg
}

func TestAppendReplay(t *testing.T) {
	dir := t.TempDir()
	j, rep, err := Open(dir)
	if err != nil || rep.Records != 0 {
		t.Fatalf("Open(empty) = %+v, %v", rep, err)
	}
	appendN(t, j, 10)
	j.Close()
	j, rep, err = Open(dir)
	if err != nil || rep.Records != 10 || len(rep.Damage) != 0 {
		t.Fatalf("reopen = %+v, %v", rep, err)
	}
	r, err := j.Append(Record{Type: "after"})
	if err != nil || r.Seq != 11 {
		t.Errorf("Append after reopen: seq %d, %v; want 11", r.Seq, err)
	}
	j.Close()
	rs, _ := replayAll(t, dir)
	if len(rs) != 11 || rs[10].Type != "after" || rs[3].Txn != "T-1" {
		t.Errorf("replay = %d records", len(rs))
	}
}

// TestTornTail cuts the last record at every byte: the journal must keep
// every earlier record, report the tear, and remove it.
func TestTornTail(t *testing.T) {
	src := t.TempDir()
	j, _, _ := Open(src)
	appendN(t, j, 5)
	j.Close()
	whole, _ := os.ReadFile(segPath(src, 1))
	rs, _ := Decode(whole)
	lastStart := len(whole) - len(Encode(mustJSON(t, rs[4])))
	for cut := lastStart + 1; cut < len(whole); cut++ {
		dir := t.TempDir()
		os.WriteFile(segPath(dir, 1), whole[:cut], 0o644)
		j, rep, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Records != 4 || len(rep.Damage) != 1 || !rep.Damage[0].Tail {
			t.Fatalf("cut at %d: report %+v", cut, rep)
		}
		if r, err := j.Append(Record{Type: "next"}); err != nil || r.Seq != 5 {
			t.Fatalf("cut at %d: Append = %d, %v", cut, r.Seq, err)
		}
		j.Close()
		if got, dmg := replayAll(t, dir); len(got) != 5 || len(dmg) != 0 {
			t.Fatalf("cut at %d: after repair %d records, damage %v", cut, len(got), dmg)
		}
	}
}

func mustJSON(t *testing.T, r Record) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMiddleDamageSkipped(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := Open(dir)
	appendN(t, j, 6)
	j.Close()
	b, _ := os.ReadFile(segPath(dir, 1))
	b[20] ^= 0xFF // inside the first record's payload
	os.WriteFile(segPath(dir, 1), b, 0o644)
	_, rep, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 5 || len(rep.Damage) != 1 || rep.Damage[0].Tail || rep.Damage[0].Offset != 0 {
		t.Errorf("report = %+v; want 5 records and one skipped damaged range at 0", rep)
	}
}

func TestRotationAndArchive(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := Open(dir)
	j.SegmentSize = 300
	appendN(t, j, 30)
	ns, _ := segments(dir)
	if len(ns) < 3 {
		t.Fatalf("%d segments after 30 appends of a 300-byte segment size", len(ns))
	}
	moved, err := j.Archive(func(rs []Record) bool { return true })
	if err != nil || moved != len(ns)-1 {
		t.Errorf("Archive() = %d, %v; want %d", moved, err, len(ns)-1)
	}
	arch, _ := os.ReadDir(filepath.Join(dir, "archive"))
	if len(arch) != moved {
		t.Errorf("archive holds %d files", len(arch))
	}
	j.Close()
	// Records in archived segments are out of the live replay but intact.
	live, _ := replayAll(t, dir)
	old, _ := replayAll(t, filepath.Join(dir, "archive"))
	if len(live)+len(old) != 30 {
		t.Errorf("live %d + archived %d != 30", len(live), len(old))
	}
	j2, rep, _ := Open(dir)
	defer j2.Close()
	if r, _ := j2.Append(Record{Type: "x"}); r.Seq != 31 {
		t.Errorf("seq after archive+reopen = %d, want 31 (report %+v)", r.Seq, rep)
	}
	var seqs []uint64
	if _, err := ReplayWithArchive(dir, func(r Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("whole history seqs %v; want 1…31 once each", seqs)
		}
	}
	if len(seqs) != 31 {
		t.Errorf("whole history has %d records, want 31", len(seqs))
	}
}

// A power cut between writing the compressed copy and removing the live
// segment leaves both: the history must hold each record once.
func TestArchiveInterruptedIsReadOnce(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := Open(dir)
	j.SegmentSize = 300
	appendN(t, j, 12)
	ns, _ := segments(dir)
	j.Close()
	os.MkdirAll(filepath.Join(dir, "archive"), 0o755)
	b, _ := os.ReadFile(segPath(dir, ns[0]))
	if err := compressTo(filepath.Join(dir, "archive", filepath.Base(segPath(dir, ns[0]))+".gz"), b); err != nil {
		t.Fatal(err)
	}
	n := 0
	if _, err := ReplayWithArchive(dir, func(Record) error { n++; return nil }); err != nil || n != 12 {
		t.Errorf("ReplayWithArchive = %d records, %v; want 12", n, err)
	}
	// The next Archive finishes the job.
	j2, _, _ := Open(dir)
	defer j2.Close()
	if _, err := j2.Archive(func([]Record) bool { return true }); err != nil {
		t.Fatal(err)
	}
	n = 0
	ReplayWithArchive(dir, func(Record) error { n++; return nil })
	if live, _ := segments(dir); n != 12 || len(live) != 1 {
		t.Errorf("after archiving: %d records, %d live segments; want 12 and 1", n, len(live))
	}
}

func TestArchiveIsCompressedAndPruned(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := Open(dir)
	j.SegmentSize = 4096
	appendN(t, j, 200)
	var liveBytes int64
	ns, _ := segments(dir)
	for _, n := range ns[:len(ns)-1] {
		st, _ := os.Stat(segPath(dir, n))
		liveBytes += st.Size()
	}
	if _, err := j.Archive(func([]Record) bool { return true }); err != nil {
		t.Fatal(err)
	}
	j.Close()
	gz, _ := filepath.Glob(filepath.Join(dir, "archive", "*.log.gz"))
	var gzBytes int64
	for _, p := range gz {
		st, _ := os.Stat(p)
		gzBytes += st.Size()
	}
	if len(gz) != len(ns)-1 || gzBytes*3 > liveBytes {
		t.Errorf("%d compressed segments of %d bytes for %d plain bytes; want %d, at least 3× smaller", len(gz), gzBytes, liveBytes, len(ns)-1)
	}
	// Records are stamped now: nothing is older than a day…
	if n, err := PruneArchive(dir, 24*time.Hour, time.Now()); err != nil || n != 0 {
		t.Errorf("PruneArchive(1 day) = %d, %v; want nothing pruned", n, err)
	}
	// …and everything archived is older than a day, ten days from now.
	if n, err := PruneArchive(dir, 24*time.Hour, time.Now().Add(240*time.Hour)); err != nil || n != len(gz) {
		t.Errorf("PruneArchive 10 days on = %d, %v; want %d", n, err, len(gz))
	}
}

func FuzzDecode(f *testing.F) {
	seg := func(types ...string) []byte {
		var b []byte
		for i, ty := range types {
			p, _ := json.Marshal(Record{Seq: uint64(i + 1), Type: ty, Txn: "T"})
			b = append(b, Encode(p)...)
		}
		return b
	}
	f.Add(seg("a", "b", "c"))
	f.Add(seg("a")[:5])
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, dmg := Decode(b)
		ends := []int64{}
		for _, d := range dmg {
			if d.Length <= 0 || d.Offset < 0 || d.Offset+d.Length > int64(len(b)) {
				t.Fatalf("bad damage range %+v for %d bytes", d, len(b))
			}
			ends = append(ends, d.Offset)
		}
		if !sort.SliceIsSorted(ends, func(i, j int) bool { return ends[i] < ends[j] }) {
			t.Fatalf("damage out of order: %v", dmg)
		}
		// Appending a good record to any input never loses it.
		p, _ := json.Marshal(Record{Seq: 99, Type: "sentinel"})
		rs2, _ := Decode(append(slices.Clone(b), Encode(p)...))
		if len(rs2) == 0 || rs2[len(rs2)-1].Type != "sentinel" {
			t.Fatalf("a good record after %d arbitrary bytes was lost", len(b))
		}
	})
}

// BenchmarkAppendSync measures a durable append (write + fdatasync) and
// reports p50/p99 in addition to the mean.
func BenchmarkAppendSync(b *testing.B) {
	j, _, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	body := json.RawMessage(`{"note":50000,"channel":6,"kind":"stacked"}`)
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		if _, err := j.Append(Record{Txn: "RJ-JPR-0001-20261125-000042", Type: "stacked", Body: body}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
