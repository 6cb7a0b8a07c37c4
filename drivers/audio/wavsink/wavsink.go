package wavsink

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/wav"
)

// Opts configures a Sink. The zero value keeps clips in memory and returns
// from Play at once.
type Opts struct {
	// Dir, if set, receives each clip as NNNN.wav, numbered from 0001.
	Dir string
	// Realtime makes Play last as long as the clip.
	Realtime bool
	// Keep, if positive, is how many of the latest clips are kept (and
	// their files, with Dir); older ones are dropped, so a headless kiosk
	// running for months does not fill its memory or its disk.
	Keep int
}

// Played is one call of Play.
type Played struct {
	Clip audio.Clip
	// Interrupted is true when the context ended before the clip did.
	Interrupted bool
	// File is the WAV file written, if Opts.Dir is set.
	File string
}

// Sink records the clips it plays.
type Sink struct {
	opts Opts

	mu      sync.Mutex
	played  []Played
	dropped int // records dropped from the front of played (Opts.Keep)
	closed  bool
}

var _ audio.Player = (*Sink)(nil)

var errClosed = errors.New("wavsink: closed")

// New returns a Sink; opts may be nil.
func New(opts *Opts) *Sink {
	s := &Sink{}
	if opts != nil {
		s.opts = *opts
	}
	return s
}

// Play implements audio.Player.
func (s *Sink) Play(ctx context.Context, c audio.Clip) error {
	if err := c.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errClosed
	}
	n := s.dropped + len(s.played) // clips played before this one
	s.played = append(s.played, Played{Clip: audio.Clip{Rate: c.Rate, Samples: append([]int16(nil), c.Samples...)}})
	if s.opts.Keep > 0 && len(s.played) > s.opts.Keep {
		old := s.played[0]
		s.played = s.played[1:]
		s.dropped++
		if old.File != "" {
			os.Remove(old.File)
		}
	}
	s.mu.Unlock()
	i := n

	if s.opts.Dir != "" {
		name := filepath.Join(s.opts.Dir, fmt.Sprintf("%04d.wav", n+1))
		if err := writeFile(name, c); err != nil {
			return err
		}
		s.update(i, func(p *Played) { p.File = name })
	}
	if err := ctx.Err(); err != nil {
		s.update(i, func(p *Played) { p.Interrupted = true })
		return err
	}
	if !s.opts.Realtime {
		return nil
	}
	t := time.NewTimer(c.Duration())
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		s.update(i, func(p *Played) { p.Interrupted = true })
		return ctx.Err()
	}
}

// update changes the record of the (i+1)th clip played, if still kept.
func (s *Sink) update(i int, f func(*Played)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := i - s.dropped; j >= 0 && j < len(s.played) {
		f(&s.played[j])
	}
}

// writeFile writes the clip under a temporary name and renames it, so a
// reader watching the directory never sees a half-written file.
func writeFile(name string, c audio.Clip) error {
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("wavsink: %w", err)
	}
	if err := wav.Encode(f, c); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("wavsink: %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("wavsink: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("wavsink: %w", err)
	}
	return nil
}

// Played returns a copy of the record of every Play call (the latest
// Opts.Keep), oldest first.
func (s *Sink) Played() []Played {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Played(nil), s.played...)
}

// Reset forgets the clips played so far (their files stay).
func (s *Sink) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropped += len(s.played)
	s.played = nil
}

// Close implements audio.Player. Play fails after Close.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
