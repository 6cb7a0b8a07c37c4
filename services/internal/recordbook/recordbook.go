// Package recordbook is what the sandbox back-ends (services/sandbox,
// services/documents/docsandbox) know about the records they keep under a
// kiosk's idempotency keys: each key's current record, in memory, backed by
// a jsonledger file in which a key may have several lines (PENDING, later
// SUCCESS) and the last one is current.
//
// It exists once so that both back-ends keep the same promise to a kiosk:
// a record is durable before it becomes current (a failed append leaves
// memory as it was, so no reply ever claims what the ledger does not
// hold), keys are listed in recording order for reconciliation, and a
// PENDING record turns SUCCESS after a set number of status polls. The
// book does no locking: its owner serializes each decision with the record
// that carries it out.
package recordbook

import (
	"fmt"
	"regexp"
	"time"

	"github.com/mitra-kiosk/mitra/services/internal/jsonledger"
)

// Record is a ledger record kept under an idempotency key.
type Record interface {
	jsonledger.Record
	Key() string
}

// Book holds the current record of every key.
type Book[R Record] struct {
	ledger *jsonledger.Ledger[R]
	byKey  map[string]*R
	keys   []string // in recording order
	// recorded is told of every record that becomes current, including
	// those replayed at open, so that the owner can keep its own indexes.
	recorded func(*R)
}

// Open opens the ledger o names and replays it. recorded (if not nil) is
// called for every record that becomes current, now and later. The report
// says what was repaired in the ledger (a torn last record after a power
// cut), counting the keys kept as noun ("payments"), or is "" when the
// ledger was intact.
func Open[R Record](o jsonledger.Options, noun string, recorded func(*R)) (b *Book[R], report string, err error) {
	l, lc, err := jsonledger.Open[R](o)
	if err != nil {
		return nil, "", err
	}
	b = &Book[R]{ledger: l, recorded: recorded}
	b.forget()
	for i := range lc.Records {
		b.remember(&lc.Records[i])
	}
	if lc.TornBytes > 0 {
		report = fmt.Sprintf("cut a torn last record of %d bytes at byte %d of %s (%d %s kept)",
			lc.TornBytes, lc.Keep, o.File, len(b.keys), noun)
	}
	return b, report, nil
}

func (b *Book[R]) forget() {
	b.byKey = map[string]*R{}
	b.keys = nil
}

// remember makes r the current record of its key (the ledger is already
// written).
func (b *Book[R]) remember(r *R) {
	k := (*r).Key()
	if _, seen := b.byKey[k]; !seen {
		b.keys = append(b.keys, k)
	}
	b.byKey[k] = r
	if b.recorded != nil {
		b.recorded(r)
	}
}

// Get returns the current record of key. The caller must not change it:
// to change a record, Record a changed copy.
func (b *Book[R]) Get(key string) (*R, bool) {
	r, ok := b.byKey[key]
	return r, ok
}

// Record appends r to the ledger and, once it is durable, makes it its
// key's current record. On error nothing changed.
func (b *Book[R]) Record(r *R) error {
	if err := b.ledger.Append(*r); err != nil {
		return err
	}
	b.remember(r)
	return nil
}

// All returns every key's current record, in recording order.
func (b *Book[R]) All() []*R {
	out := make([]*R, 0, len(b.keys))
	for _, k := range b.keys {
		out = append(out, b.byKey[k])
	}
	return out
}

// Archive moves the ledger aside to aside (a name in its directory), never
// deleting a record, and forgets every key.
func (b *Book[R]) Archive(aside string) error {
	if err := b.ledger.Archive(aside); err != nil {
		return err
	}
	b.forget()
	return nil
}

// Broken returns why the ledger refuses appends, or nil while it is
// usable (see jsonledger.Ledger.Broken).
func (b *Book[R]) Broken() error { return b.ledger.Broken() }

// Close closes the ledger. Every recorded record is already durable.
func (b *Book[R]) Close() error { return b.ledger.Close() }

// keyPattern bounds idempotency keys to what fits a URL path segment
// unescaped and a ledger line comfortably; the kiosk's keys are
// "RJ-JPR-0001-20261125-000001".
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$`)

// ValidKey reports whether key is an acceptable idempotency key: 1 to 80
// letters, digits and ._:- starting with a letter or digit.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

// Pending is a record that can wait for its outcome, PENDING, and turn
// SUCCESS after its Countdown (embedded in the record) runs out.
type Pending[R any] interface {
	*R
	Record
	// Pending reports whether the record still waits for its outcome.
	Pending() bool
	// Poll counts one status poll (Countdown.Poll).
	Poll() bool
	// Succeed makes the record SUCCESS at now, with its reference.
	Succeed(now time.Time)
}

// Poll answers a status query for key: the current record, or known false
// when there is none. Each query of a PENDING record counts one poll
// towards SUCCESS, and the change is durable before it is answered: it is
// made to a copy, which becomes current only once it is on disk, so that a
// failed append (err) leaves memory where the ledger is.
func Poll[R Record, P Pending[R]](b *Book[R], key string, now func() time.Time) (r R, known bool, err error) {
	cur, ok := b.Get(key)
	if !ok {
		return r, false, nil
	}
	if !P(cur).Pending() {
		return *cur, true, nil
	}
	next := *cur
	if P(&next).Poll() {
		P(&next).Succeed(now())
	}
	if err := b.Record(&next); err != nil {
		return r, true, err
	}
	return next, true, nil
}

// Countdown counts the status polls until a PENDING record succeeds. A
// record embeds it; on disk it is the record's "polls_left" field.
type Countdown struct {
	PollsLeft int `json:"polls_left,omitempty"`
}

// Poll counts one status poll and reports whether it was the last one: the
// record is due to succeed.
func (c *Countdown) Poll() bool {
	c.PollsLeft--
	if c.PollsLeft <= 0 {
		c.PollsLeft = 0
		return true
	}
	return false
}
