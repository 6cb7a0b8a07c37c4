package statussandbox

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/services/internal/sandboxfault"
	"github.com/mitra-kiosk/mitra/services/status"
)

// Mode selects how the back-end answers.
type Mode string

const (
	ModeOK   Mode = "ok"
	ModeDown Mode = "down" // 503 to every API call
	ModeSlow Mode = "slow" // every answer after SlowMillis
)

// DefaultSlow is the delay of the slow fault when Faults.SlowMillis is 0:
// long enough to show the kiosk's "please wait", shorter than its
// per-call deadline, so the answer still arrives.
const DefaultSlow = 3 * time.Second

// Faults is the sandbox's fault injection. The zero value means no faults.
type Faults struct {
	Mode       Mode `json:"mode"`
	SlowMillis int  `json:"slow_ms,omitempty"`
}

// normalize fills defaults and rejects unknown faults.
func (f Faults) normalize() (Faults, error) {
	var err error
	if f.Mode, err = sandboxfault.Choose(f.Mode, ModeOK, ModeDown, ModeSlow); err != nil {
		return f, fmt.Errorf("statussandbox: faults: mode %w", err)
	}
	switch {
	case f.SlowMillis < 0 || f.SlowMillis > 600_000:
		return f, fmt.Errorf("statussandbox: faults: slow_ms %d: 1 to 600000, or 0 for the default", f.SlowMillis)
	case f.SlowMillis == 0:
		f.SlowMillis = int(DefaultSlow / time.Millisecond)
	}
	return f, nil
}

// Backend is the sandbox status back-end. It is safe for concurrent use.
type Backend struct {
	cat *catalogue // immutable after New

	mu     sync.Mutex
	faults Faults
}

var _ status.Service = (*Backend)(nil)

// New returns a back-end serving the data files in data (see the package
// documentation). It refuses data that breaks the rules listed there.
func New(data fs.FS) (*Backend, error) {
	cat, err := loadCatalogue(data)
	if err != nil {
		return nil, err
	}
	b := &Backend{cat: cat}
	b.faults, _ = Faults{}.normalize()
	return b, nil
}

// NewFromDir is New with the data files in dir.
func NewFromDir(dir string) (*Backend, error) {
	return New(os.DirFS(dir))
}

// SetFaults changes the fault injection; zero fields mean "ok" and the
// default delay.
func (b *Backend) SetFaults(f Faults) error {
	f, err := f.normalize()
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.faults = f
	return nil
}

// CurrentFaults returns the fault injection in force.
func (b *Backend) CurrentFaults() Faults {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.faults
}

// applyFaults answers as the faults say before any work: an error wrapping
// status.ErrUnavailable when down, or after waiting when slow — cut short,
// with the same error, when ctx ends first.
func (b *Backend) applyFaults(ctx context.Context, op string) error {
	f := b.CurrentFaults()
	switch f.Mode {
	case ModeDown:
		return fmt.Errorf("statussandbox: %s: %w (sandbox fault mode=down)", op, status.ErrUnavailable)
	case ModeSlow:
		t := time.NewTimer(time.Duration(f.SlowMillis) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("statussandbox: %s: %w: %w (sandbox fault mode=slow)", op, status.ErrUnavailable, ctx.Err())
		}
	}
	return nil
}

// Specs implements status.Service. The caller gets its own copy.
func (b *Backend) Specs(ctx context.Context) ([]status.RefSpec, error) {
	if err := b.applyFaults(ctx, "specs"); err != nil {
		return nil, err
	}
	out := make([]status.RefSpec, len(b.cat.specs))
	for i, s := range b.cat.specs {
		s.Options = append([]status.Option(nil), s.Options...)
		out[i] = s
	}
	return out, nil
}

// Lookup implements status.Service. A beneficiary is found by its scheme
// id or by the family's Jan Aadhaar ID, under the scheme picked only.
func (b *Backend) Lookup(ctx context.Context, kind status.Kind, ref, option string) (status.Result, error) {
	if err := b.applyFaults(ctx, "lookup"); err != nil {
		return status.Result{}, err
	}
	spec, ok := status.FindSpec(b.cat.specs, kind)
	if !ok {
		return status.Result{}, fmt.Errorf("statussandbox: lookup: %w: unknown kind %q", status.ErrInvalidRef, kind)
	}
	norm, err := spec.Validate(ref, option)
	if err != nil {
		return status.Result{}, fmt.Errorf("statussandbox: lookup: %w", err)
	}
	rec, ok := b.cat.records[recordKey{kind, option, norm}]
	if !ok {
		// PrintedRef: a Jan Aadhaar ID stays out of messages, which reach logs.
		return status.Result{}, fmt.Errorf("statussandbox: lookup: %w: %s %s %s", status.ErrNotFound, kind, option, status.PrintedRef(kind, norm))
	}
	return serve(kind, norm, rec), nil
}
