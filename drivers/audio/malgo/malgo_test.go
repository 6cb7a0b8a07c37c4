//go:build cgo

package malgo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gen2brain/malgo"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// nullBackend is miniaudio's ma_backend_null. malgo v0.11.24's BackendNull
// is one short: miniaudio added ma_backend_custom before ma_backend_null and
// malgo's list lacks it, so BackendNull selects "custom", which fails with
// "No backend".
const nullBackend = malgo.BackendNull + 1

// The null backend consumes samples in real time without hardware, so
// these tests run on a machine with no sound card.
func newNull(t *testing.T) *Player {
	p, err := New([]malgo.Backend{nullBackend})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestPlayTakesTheClipsTime(t *testing.T) {
	p := newNull(t)
	c := audio.Clip{Rate: 16000, Samples: make([]int16, 4800)} // 300 ms
	start := time.Now()
	if err := p.Play(context.Background(), c); err != nil {
		t.Fatalf("Play() = %v", err)
	}
	if got := time.Since(start); got < 250*time.Millisecond || got > 2*time.Second {
		t.Errorf("Play() of 300 ms took %v", got)
	}
}

func TestPlayCancel(t *testing.T) {
	p := newNull(t)
	c := audio.Clip{Rate: 16000, Samples: make([]int16, 160000)} // 10 s
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := p.Play(ctx, c); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Play() = %v, want DeadlineExceeded", err)
	}
	if got := time.Since(start); got > 2*time.Second {
		t.Errorf("cancelled Play() took %v", got)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := p.Play(context.Background(), c); err == nil {
		t.Errorf("Play() after Close() = nil")
	}
}
