package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/journal"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/services/billpay"
)

// writeHistory writes a journal of n finished cash bill payments, each with
// the records a real one has (begin, enable, two notes escrowed/accepted/
// stacked, disable, pay intent and result, receipt print, end), straight to
// segment files (no fsync: this builds a fixture, it does not measure).
func writeHistory(tb testing.TB, dir string, n int) int {
	tb.Helper()
	os.MkdirAll(dir, 0o755)
	seg, size, seq, records := 1, 0, uint64(0), 0
	f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("journal-%06d.log", seg)))
	bill := &billpay.Bill{BillerID: "JVVNL", CustomerRef: "210123456789", BillNumber: "JV2611-0048213", Amount: money.Rupees(2095)}
	add := func(txn, typ string, b body) {
		raw, _ := json.Marshal(b)
		seq++
		p, _ := json.Marshal(journal.Record{Seq: seq, Time: time.Unix(1764000000+int64(seq), 0).UTC(), Txn: txn, Type: typ, Body: raw})
		fr := journal.Encode(p)
		if size+len(fr) > journal.DefaultSegmentSize {
			f.Close()
			seg++
			size = 0
			f, _ = os.Create(filepath.Join(dir, fmt.Sprintf("journal-%06d.log", seg)))
		}
		f.Write(fr)
		size += len(fr)
		records++
	}
	for i := range n {
		id := fmt.Sprintf("RJ-JPR-0001-20261125-%06d", i+1)
		add(id, recBegin, body{Kind: "bill-cash", Bill: bill, Charge: money.Rupees(5), Due: money.Rupees(2100)})
		add(id, recEnable, body{})
		for _, v := range []money.Paise{money.Rupees(2000), money.Rupees(100)} {
			add(id, recEscrowed, body{Note: v})
			add(id, recAcceptIntent, body{Note: v})
			add(id, recStacked, body{Note: v})
		}
		add(id, recDisable, body{})
		add(id, recPayIntent, body{Key: id, Amount: bill.Amount})
		add(id, recPayResult, body{Key: id, Status: billpay.Success, Ref: "BBPS261125000001"})
		add(id, recPrintIntent, body{What: "receipt"})
		add(id, recPrinted, body{What: "receipt"})
		add(id, recEnd, body{Phase: PhaseDone})
	}
	f.Close()
	return records
}

// BenchmarkRecover100kTransactions measures what a kiosk does at start-up
// with a journal of 100,000 finished transactions (before archiving): open
// and check every segment, replay and fold every record.
func BenchmarkRecover100kTransactions(b *testing.B) {
	state := b.TempDir()
	records := writeHistory(b, filepath.Join(state, "journal"), 100_000)
	b.ReportMetric(float64(records), "records")
	for b.Loop() {
		j, rep, err := journal.Open(filepath.Join(state, "journal"))
		if err != nil || rep.Records != records {
			b.Fatalf("Open: %d records, %v", rep.Records, err)
		}
		e := &Engine{j: j, txns: map[string]*txn{}, cfg: Config{Log: log.New(io.Discard, "", 0)}}
		if _, err := journal.Replay(j.Dir(), e.fold); err != nil {
			b.Fatal(err)
		}
		if len(e.openTxns()) != 0 || len(e.txns) != 100_000 {
			b.Fatalf("%d open of %d", len(e.openTxns()), len(e.txns))
		}
		j.Close()
	}
}

// TestArchiveKeepsReplaySmall: a kiosk with a long history archives its
// finished segments at start-up, and ListTransactions of the live journal
// then covers only what was not archived.
func TestArchiveKeepsReplaySmall(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsimOpts())
	r.close()
	writeHistory(t, filepath.Join(r.state, "journal"), 3000) // several 4 MiB segments
	r2 := newRig(t, r.state, r.gw, esspsimOpts())
	arch, _ := filepath.Glob(filepath.Join(r2.state, "journal", "archive", "journal-*.log.gz"))
	live, _ := filepath.Glob(filepath.Join(r2.state, "journal", "journal-*.log"))
	if len(arch) == 0 || len(live) != 1 {
		t.Errorf("archive %d segments, live %d; want the finished ones archived and one live", len(arch), len(live))
	}
}

func esspsimOpts() esspsim.Opts { return esspsim.Opts{} }
