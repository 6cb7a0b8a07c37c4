// Package jsonledger is the durable, append-only JSON-lines file in which
// the sandbox back-ends (services/sandbox, services/documents/docsandbox)
// record what they promised a kiosk: one JSON record per line, written and
// fsync'd before the reply that announces it.
//
// It exists once so that both back-ends recover from a crash the same way.
// At open, a torn tail (a write cut short by a power failure, whose request
// never got a reply: the kiosk will ask again by key) is cut off, and a last
// record that lost only its newline is kept and terminated. Damage followed
// by a good record means the file was altered, and Open refuses it rather
// than guess which records exist. A failed append is rolled back; when even
// the rollback fails the ledger refuses every later append until a restart,
// so that no record is ever glued to half of another.
package jsonledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Record is one ledger line. Check rejects a value that decodes as JSON but
// cannot be a record its back-end wrote: such a line counts as damage.
type Record interface {
	Check() error
}

// Contents is the result of parsing a ledger file.
type Contents[R Record] struct {
	Records []R // in file order, several per key possible
	Keep    int // bytes to keep: everything after is a torn tail
	// Unterminated: the last kept record lacks its '\n' (the power failed
	// between the record and its newline), to be written before appending.
	Unterminated bool
	TornBytes    int
}

// DamageError is a bad record with good records after it: not a torn
// write, so the file was damaged or edited.
type DamageError struct {
	Offset int   // byte offset of the bad record
	Err    error // why it is not a record
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("record at byte %d: %v, and good records follow it: the file was damaged or edited", e.Offset, e.Err)
}

// Parse splits b into records. Only the tail may be damaged: that is a
// write cut short by a crash. Damage followed by a good record is a
// *DamageError.
func Parse[R Record](b []byte) (Contents[R], error) {
	var lc Contents[R]
	off := 0
	for off < len(b) {
		line := b[off:]
		end := bytes.IndexByte(line, '\n')
		terminated := end >= 0
		if terminated {
			line = line[:end]
		}
		r, err := decode[R](line)
		if err != nil {
			if !terminated || isTail[R](b[off+end+1:]) {
				lc.TornBytes = len(b) - off
				break
			}
			return lc, &DamageError{Offset: off, Err: err}
		}
		lc.Records = append(lc.Records, r)
		if !terminated {
			lc.Keep, lc.Unterminated = len(b), true
			break
		}
		off += end + 1
		lc.Keep = off
	}
	return lc, nil
}

// decode reads one line as a record and checks it.
func decode[R Record](line []byte) (R, error) {
	var r R
	err := json.Unmarshal(line, &r)
	if err == nil {
		err = r.Check()
	}
	return r, err
}

// isTail reports whether rest holds no further record: only the remains of
// the same torn write (no complete line that could be a record) or NULs a
// file system may leave after a crash.
func isTail[R Record](rest []byte) bool {
	for _, line := range bytes.Split(rest, []byte("\n")) {
		if len(bytes.Trim(line, " \t\r\x00")) != 0 {
			if _, err := decode[R](line); err == nil {
				return false
			}
		}
	}
	return true
}

// Options name a ledger's file and how its errors speak.
type Options struct {
	Dir  string // the state directory, created if missing
	File string // the ledger's name in Dir: "payments.jsonl"
	// Owner starts every error message: "sandbox" gives
	// "sandbox: ledger: …".
	Owner string
	// Restart names what to restart when the ledger became unusable:
	// "the gateway".
	Restart string
	// Repair tells the operator what to do about damage in the middle:
	// "repair that line from the kiosks' journals".
	Repair string
}

// Ledger is an open append-only ledger file. It is not safe for concurrent
// use: its owner serializes appends with the decisions they record.
type Ledger[R Record] struct {
	o    Options
	f    *os.File
	size int64 // length of the durable, well-formed content
	// broken is set when a failed append could not be undone: appending
	// after half a record would glue the next one to it, so every later
	// append is refused until a restart repairs the tail.
	broken error
}

// errorf formats an error of the ledger, starting with its owner.
func (l *Ledger[R]) errorf(format string, a ...any) error {
	return fmt.Errorf(l.o.Owner+": ledger: "+format, a...)
}

// Open loads <Dir>/<File> (creating both as needed), cuts off a torn tail,
// terminates an unterminated last record, and opens the file for
// appending. The contents say what was loaded and what was cut.
func Open[R Record](o Options) (*Ledger[R], Contents[R], error) {
	l := &Ledger[R]{o: o}
	var lc Contents[R]
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, lc, l.errorf("%w", err)
	}
	path := filepath.Join(o.Dir, o.File)
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, lc, l.errorf("%w", err)
	}
	if lc, err = Parse[R](b); err != nil {
		return nil, lc, l.errorf("%w; %s (%s)", err, o.Repair, path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, lc, l.errorf("%w", err)
	}
	l.f, l.size = f, int64(lc.Keep)
	if lc.TornBytes > 0 {
		if err := f.Truncate(l.size); err != nil {
			f.Close()
			return nil, lc, l.errorf("cutting the torn tail: %w", err)
		}
	}
	if lc.Unterminated {
		if _, err := f.WriteAt([]byte("\n"), l.size); err != nil {
			f.Close()
			return nil, lc, l.errorf("terminating the last record: %w", err)
		}
		l.size++
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, lc, l.errorf("sync: %w", err)
	}
	return l, lc, nil
}

// Append writes r as one line and fsyncs it. On failure it cuts the file
// back to its previous length, so that a failed append leaves no trace.
func (l *Ledger[R]) Append(r R) error {
	if l.broken != nil {
		return l.broken
	}
	b, err := json.Marshal(r)
	if err != nil {
		return l.errorf("encode: %w", err)
	}
	b = append(b, '\n')
	// WriteAt at the known end, not O_APPEND: the rollback below must know
	// exactly where this record starts.
	if _, err = l.f.WriteAt(b, l.size); err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		if terr := l.f.Truncate(l.size); terr != nil {
			l.broken = l.errorf("unusable after a failed append (%v) and a failed rollback (%v): restart %s", err, terr, l.o.Restart)
		} else if serr := l.f.Sync(); serr != nil {
			l.broken = l.errorf("unusable after a failed append (%v): sync of the rollback: %v: restart %s", err, serr, l.o.Restart)
		}
		return l.errorf("append: %w", err)
	}
	l.size += int64(len(b))
	return nil
}

// Broken returns why the ledger refuses appends (a failed append whose
// rollback failed too), or nil while it is usable.
func (l *Ledger[R]) Broken() error { return l.broken }

// Archive moves the ledger aside to <Dir>/<aside> and starts an empty one,
// so that a reset never deletes a record. It is also the way out of a
// broken ledger. An empty, healthy ledger is left as it is.
func (l *Ledger[R]) Archive(aside string) error {
	if l.size == 0 && l.broken == nil {
		return nil
	}
	// A broken ledger's file may fail to close too; archiving it is the
	// way out of that state, so only a healthy one's close error counts.
	if err := l.f.Close(); err != nil && l.broken == nil {
		return l.errorf("archive: %w", err)
	}
	path := filepath.Join(l.o.Dir, l.o.File)
	renameErr := os.Rename(path, filepath.Join(l.o.Dir, aside))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		l.broken = l.errorf("reopening after archive: %w", err)
		return l.broken
	}
	l.f = f
	if renameErr != nil {
		return l.errorf("archive: %w", renameErr)
	}
	l.size, l.broken = 0, nil
	// The rename must be durable before the reset is reported done:
	// otherwise a power cut could bring the old ledger back under its name
	// after records were appended to the new one.
	if d, err := os.Open(l.o.Dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return l.errorf("archive: sync dir: %w", err)
		}
	}
	return nil
}

// Close closes the file. Every appended record is already durable.
func (l *Ledger[R]) Close() error { return l.f.Close() }
