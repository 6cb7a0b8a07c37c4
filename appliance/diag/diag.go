package diag

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/journal"
)

// State is a device's outcome as the technician sees it.
type State string

// The three outcomes of a device check.
const (
	OK      State = "ok"
	Skipped State = "skipped" // not configured on this kiosk
	Failed  State = "failed"  // configured, not answering
)

// Device is one device or back-end.
type Device struct {
	Name   string `json:"name"`
	State  State  `json:"state"`
	Detail string `json:"detail,omitempty"` // the reason when failed: "no /dev/fb0: retrying every 2 s"
	// Since is when the device entered this state, when known.
	Since time.Time `json:"since,omitzero"`
}

// Journal is the journal's health.
type Journal struct {
	// Open: the running kiosk has the journal open for writing. Always
	// false in a report read from a state directory.
	Open       bool      `json:"open"`
	Records    int       `json:"records"`
	LastRecord time.Time `json:"last_record,omitzero"`
	LastType   string    `json:"last_type,omitempty"`
	// OpenTxns are transactions not yet final (a customer paying now, or
	// an acknowledged payment awaiting the gateway).
	OpenTxns   int      `json:"open_txns"`
	Unresolved []string `json:"unresolved,omitempty"` // notes of unknown fate: count the cashbox
	Violations []string `json:"violations,omitempty"` // money invariants broken
	Damage     []string `json:"damage,omitempty"`
	Error      string   `json:"error,omitempty"` // the journal could not be read
	// ReceiptsOwed counts paid transactions whose receipt or document did
	// not print.
	ReceiptsOwed int `json:"receipts_owed,omitempty"`
}

// Space is a file system's capacity.
type Space struct {
	Path  string `json:"path"`
	Free  uint64 `json:"free_bytes"` // available to the kiosk, not root's reserve
	Total uint64 `json:"total_bytes"`
	Error string `json:"error,omitempty"`
}

// Report is the kiosk's health.
type Report struct {
	// From is "kiosk" for a running kiosk's report, "state" for one read
	// from a state directory.
	From    string    `json:"from"`
	KioskID string    `json:"kiosk_id,omitempty"`
	Version string    `json:"version"`
	Time    time.Time `json:"time"`
	// Started is when the kiosk program started; SystemUptime is the
	// machine's (/proc/uptime), both zero when unknown.
	Started      time.Time     `json:"started,omitzero"`
	SystemUptime time.Duration `json:"system_uptime_ns,omitempty"`
	Devices      []Device      `json:"devices"`
	Journal      Journal       `json:"journal"`
	Space        Space         `json:"space"`
	// Memory is the running kiosk's; zero in a report from a state
	// directory.
	Memory Memory `json:"memory,omitzero"`
}

// Thresholds below which the state file system needs attention: the
// journal and the printed documents' spool live there.
const (
	lowSpaceBytes   = 100 << 20
	lowSpacePercent = 10
)

// Attention lists what needs the technician, one line each; empty when
// the kiosk is healthy.
func (r Report) Attention() []string {
	var a []string
	for _, d := range r.Devices {
		if d.State == Failed {
			a = append(a, fmt.Sprintf("%s: %s", d.Name, d.Detail))
		}
	}
	j := r.Journal
	switch {
	case j.Error != "":
		a = append(a, "journal: "+j.Error)
	case r.From == "kiosk" && !j.Open:
		a = append(a, "journal: not open; the kiosk cannot take payments")
	}
	for _, v := range j.Violations {
		a = append(a, "journal: VIOLATION: "+v)
	}
	for _, u := range j.Unresolved {
		a = append(a, "journal: "+u)
	}
	for _, d := range j.Damage {
		a = append(a, "journal damage: "+d)
	}
	if j.OpenTxns > 0 {
		a = append(a, fmt.Sprintf("journal: %d transaction(s) not final (see mitractl journal list)", j.OpenTxns))
	}
	if j.ReceiptsOwed > 0 {
		a = append(a, fmt.Sprintf("printer: %d receipt(s) or document(s) owed to customers", j.ReceiptsOwed))
	}
	s := r.Space
	switch {
	case s.Error != "":
		a = append(a, fmt.Sprintf("free space on %s: %s", s.Path, s.Error))
	case s.Total > 0 && (s.Free < lowSpaceBytes || s.Free*100/s.Total < lowSpacePercent):
		a = append(a, fmt.Sprintf("free space on %s: only %s of %s left", s.Path, size(s.Free), size(s.Total)))
	}
	if m := r.Memory.attention(); m != "" {
		a = append(a, m)
	}
	return a
}

// Board records device states the program knows and the engine does not:
// the screen and touch devices, devices not configured. It is safe for
// concurrent use; the zero value is empty and ready.
type Board struct {
	mu      sync.Mutex
	devs    []Device
	watches map[string]func() (State, string)
	now     func() time.Time // for testing
}

// Watch makes check the source of name's state: Devices asks it each time,
// for a state that changes on its own (touch devices plugged in later).
// check must be cheap and safe for concurrent use.
func (b *Board) Watch(name string, check func() (State, string)) {
	b.mu.Lock()
	if b.watches == nil {
		b.watches = map[string]func() (State, string){}
	}
	b.watches[name] = check
	b.mu.Unlock()
	st, detail := check()
	b.Set(name, st, detail)
}

// Set records name's state. Since changes only when the state does, so a
// retry loop setting the same failure keeps the time it first failed.
func (b *Board) Set(name string, st State, detail string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now
	if b.now != nil {
		now = b.now
	}
	for i, d := range b.devs {
		if d.Name == name {
			if d.State != st {
				b.devs[i].Since = now()
			}
			b.devs[i].State, b.devs[i].Detail = st, detail
			return
		}
	}
	b.devs = append(b.devs, Device{Name: name, State: st, Detail: detail, Since: now()})
}

// Devices returns the recorded devices, asking the watched ones afresh.
func (b *Board) Devices() []Device {
	b.mu.Lock()
	watches := maps.Clone(b.watches)
	b.mu.Unlock()
	for name, check := range watches {
		st, detail := check()
		b.Set(name, st, detail)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.devs)
}

// Kiosk is what a Source needs from the engine (*engine.Engine).
type Kiosk interface {
	TechnicianReport(ctx context.Context) engine.TechnicianReport
	Journal() *journal.Journal
}

// Source builds a running kiosk's Report.
type Source struct {
	Kiosk    Kiosk
	Board    *Board
	StateDir string
	Started  time.Time
	// ProcDir is procfs's root for uptime, meminfo and self/status; ""
	// means "/proc".
	ProcDir string
}

// Report runs the engine's device checks (each bounded by the engine's
// own short timeout) and reads the journal and the file system.
func (s *Source) Report(ctx context.Context) Report {
	tr := s.Kiosk.TechnicianReport(ctx)
	r := Report{From: "kiosk", KioskID: tr.KioskID, Version: tr.Version, Time: time.Now().UTC(), Started: s.Started}
	r.SystemUptime = systemUptime(s.ProcDir)
	r.Memory = readMemory(s.ProcDir)
	if s.Board != nil {
		r.Devices = append(r.Devices, s.Board.Devices()...)
	}
	for _, d := range tr.Devices {
		st := OK
		if !d.OK {
			st = Failed
		}
		r.Devices = append(r.Devices, Device{Name: d.Name, State: st, Detail: d.Detail})
	}
	sortDevices(r.Devices)
	r.Journal = readJournal(s.StateDir)
	r.Journal.Open = s.Kiosk.Journal() != nil
	// The engine's view is authoritative for a running kiosk: it knows
	// which open transactions it is still resolving.
	r.Journal.OpenTxns = tr.Open
	r.Journal.Violations, r.Journal.Unresolved = tr.Violations, tr.Attention
	r.Journal.ReceiptsOwed = len(tr.Pending)
	r.Space = freeSpace(s.StateDir)
	return r
}

// FromState reads a Report from a kiosk's state directory alone (a copy
// of /perm/mitra, or the kiosk's own when it does not run): the journal and
// the free space, no devices.
func FromState(dir string) (Report, error) {
	if _, err := os.Stat(filepath.Join(dir, "journal")); err != nil {
		return Report{}, fmt.Errorf("diag: no journal in %s (give the kiosk's state directory, e.g. --state /perm/mitra)", dir)
	}
	r := Report{From: "state", Time: time.Now().UTC()}
	r.Journal = readJournal(dir)
	if r.Journal.Error == "" {
		txns, _, err := engine.ListTransactions(dir)
		if err != nil {
			r.Journal.Error = err.Error()
		}
		for _, t := range txns {
			if t.Phase == "" {
				r.Journal.OpenTxns++
			}
		}
		v, att, err := engine.Check(dir)
		if err != nil && r.Journal.Error == "" {
			r.Journal.Error = err.Error()
		}
		r.Journal.Violations, r.Journal.Unresolved = v, att
	}
	r.Space = freeSpace(dir)
	return r, nil
}

// readJournal replays the live segments for the record count, the last
// record and any damage; it does not open the journal for writing.
func readJournal(stateDir string) Journal {
	var j Journal
	dmg, err := journal.Replay(filepath.Join(stateDir, "journal"), func(rec journal.Record) error {
		j.Records++
		j.LastRecord, j.LastType = rec.Time, rec.Type
		return nil
	})
	if err != nil {
		j.Error = err.Error()
	}
	for _, d := range dmg {
		if !d.Tail { // a torn tail is an interrupted write, already handled at open
			j.Damage = append(j.Damage, d.String())
		}
	}
	return j
}

// deviceOrder is the order a technician walks the kiosk in: screen first,
// back-ends last.
var deviceOrder = []string{"display", "touch", "note acceptor", "receipt printer", "A4 printer", "fingerprint scanner", "UPS", "bill gateway"}

func sortDevices(ds []Device) {
	rank := func(name string) int {
		if i := slices.Index(deviceOrder, name); i >= 0 {
			return i
		}
		return len(deviceOrder)
	}
	slices.SortStableFunc(ds, func(a, b Device) int { return rank(a.Name) - rank(b.Name) })
}

// systemUptime reads the first field of /proc/uptime (seconds since boot).
func systemUptime(proc string) time.Duration {
	if proc == "" {
		proc = "/proc"
	}
	b, err := os.ReadFile(filepath.Join(proc, "uptime"))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	s, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

func size(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%d kB", n/1000)
}
