package docsandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mitra-kiosk/mitra/services/documents"
)

// LedgerFile is the order ledger's name in the state directory: one JSON
// orderRecord per line, appended and fsync'd before each reply. A key can
// have several lines (PENDING, later SUCCESS); the last one is current.
const LedgerFile = "orders.jsonl"

// orderRecord is one ledger line: the order as the kiosk sees it plus what
// the back-end keeps for itself.
type orderRecord struct {
	documents.Order
	Kind    documents.Kind `json:"kind"`
	KioskID string         `json:"kiosk_id"`
	// PollsLeft counts the status polls until a PENDING order succeeds.
	PollsLeft int `json:"polls_left,omitempty"`
}

// check rejects lines that decode as JSON but cannot be an order the
// back-end wrote.
func (r *orderRecord) check() error {
	switch {
	case r.IdempotencyKey == "":
		return errors.New("no idempotency_key")
	case r.Status != documents.Success && r.Status != documents.Failure && r.Status != documents.Pending:
		return fmt.Errorf("status %q", r.Status)
	case r.Status == documents.Success && r.Ref == "":
		return errors.New("SUCCESS without ref")
	case r.Fee <= 0:
		return fmt.Errorf("fee %d", r.Fee)
	case r.DocumentID == "":
		return errors.New("document_id is required")
	}
	return nil
}

// ledgerContents is the result of parsing a ledger file.
type ledgerContents struct {
	records []orderRecord // in file order, several per key possible
	keep    int           // bytes to keep: everything after is a torn tail
	// unterminated: the last kept record lacks its '\n' (the power failed
	// between the record and its newline), to be written before appending.
	unterminated bool
	tornBytes    int
}

// parseLedger splits b into records. Only the tail may be damaged: that is
// a write cut short by a crash, whose request never got a reply, and the
// kiosk will ask again by key. Damage followed by a good record means the
// file was altered, and the back-end stops rather than guess which orders
// exist.
func parseLedger(b []byte) (ledgerContents, error) {
	var lc ledgerContents
	off := 0
	for off < len(b) {
		line := b[off:]
		end := bytes.IndexByte(line, '\n')
		terminated := end >= 0
		if terminated {
			line = line[:end]
		}
		var r orderRecord
		err := json.Unmarshal(line, &r)
		if err == nil {
			err = r.check()
		}
		if err != nil {
			if !terminated || isTail(b[off+end+1:]) {
				lc.tornBytes = len(b) - off
				break
			}
			return lc, fmt.Errorf("docsandbox: ledger: record at byte %d: %v, and good records follow it: "+
				"the file was damaged or edited; repair that line from the kiosks' journals", off, err)
		}
		lc.records = append(lc.records, r)
		if !terminated {
			lc.keep, lc.unterminated = len(b), true
			break
		}
		off += end + 1
		lc.keep = off
	}
	return lc, nil
}

// isTail reports whether rest holds no further record: only the remains of
// the same torn write (no complete line that could be a record) or NULs a
// file system may leave after a crash.
func isTail(rest []byte) bool {
	for _, line := range bytes.Split(rest, []byte("\n")) {
		if len(bytes.Trim(line, " \t\r\x00")) != 0 {
			var r orderRecord
			if json.Unmarshal(line, &r) == nil && r.check() == nil {
				return false
			}
		}
	}
	return true
}

// ledger is the append-only order file.
type ledger struct {
	dir  string
	f    *os.File
	size int64 // length of the durable, well-formed content
	// broken is set when a failed append could not be undone: appending
	// after half a record would glue the next one to it, so every later
	// order is refused until a restart repairs the tail.
	broken error
}

// openLedger loads <dir>/orders.jsonl (creating dir and file as needed),
// cuts off a torn tail, and opens the file for appending.
func openLedger(dir string) (*ledger, ledgerContents, error) {
	var lc ledgerContents
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, lc, fmt.Errorf("docsandbox: ledger: %w", err)
	}
	path := filepath.Join(dir, LedgerFile)
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, lc, fmt.Errorf("docsandbox: ledger: %w", err)
	}
	if lc, err = parseLedger(b); err != nil {
		return nil, lc, fmt.Errorf("%w (%s)", err, path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, lc, fmt.Errorf("docsandbox: ledger: %w", err)
	}
	l := &ledger{dir: dir, f: f, size: int64(lc.keep)}
	if lc.tornBytes > 0 {
		if err := f.Truncate(l.size); err != nil {
			f.Close()
			return nil, lc, fmt.Errorf("docsandbox: ledger: cutting the torn tail: %w", err)
		}
	}
	if lc.unterminated {
		if _, err := f.WriteAt([]byte("\n"), l.size); err != nil {
			f.Close()
			return nil, lc, fmt.Errorf("docsandbox: ledger: terminating the last record: %w", err)
		}
		l.size++
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, lc, fmt.Errorf("docsandbox: ledger: sync: %w", err)
	}
	return l, lc, nil
}

// append writes r as one line and fsyncs it. On failure it cuts the file
// back to its previous length, so that a failed append leaves no trace.
func (l *ledger) append(r *orderRecord) error {
	if l.broken != nil {
		return l.broken
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("docsandbox: ledger: encode: %w", err)
	}
	b = append(b, '\n')
	// WriteAt at the known end, not O_APPEND: the rollback below must know
	// exactly where this record starts.
	if _, err = l.f.WriteAt(b, l.size); err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		if terr := l.f.Truncate(l.size); terr != nil {
			l.broken = fmt.Errorf("docsandbox: ledger: unusable after a failed append (%v) and a failed rollback (%v): restart the back-end", err, terr)
		} else if serr := l.f.Sync(); serr != nil {
			l.broken = fmt.Errorf("docsandbox: ledger: unusable after a failed append (%v): sync of the rollback: %v: restart the back-end", err, serr)
		}
		return fmt.Errorf("docsandbox: ledger: append: %w", err)
	}
	l.size += int64(len(b))
	return nil
}

func (l *ledger) close() error { return l.f.Close() }
