package speech

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// Library returns the stored recording (Encode's bytes) of prompt id in a
// language ("hi", "en"), or an error for a prompt it does not have. It is
// called on the caller's goroutine, so it should only look the bytes up;
// the Speaker decodes them while playing.
type Library func(lang, id string) ([]byte, error)

// Speaker says prompts on a Player, one at a time.
type Speaker struct {
	p   audio.Player
	lib Library

	mu      sync.Mutex
	enabled bool
	vol     audio.Volume
	// The last prompt asked for, said again by Repeat, even if the speaker
	// was off then: turning it on and pressing Repeat says the current
	// screen.
	last   []byte             // the recording, as the Library stored it
	lastID string             // lang/id, for errors
	cancel context.CancelFunc // stops the prompt playing or waiting
	done   chan struct{}      // closed when that prompt's goroutine ends
	err    error              // the last playback error
}

// New returns a Speaker playing the prompts of lib on p at
// audio.DefaultVolume. The Speaker does not own p: closing p is the
// caller's job, after Speaker.Close. p may be nil (a kiosk without a sound
// device): the Speaker then keeps its state and plays nothing.
func New(p audio.Player, lib Library, enabled bool) *Speaker {
	return &Speaker{p: p, lib: lib, enabled: enabled, vol: audio.DefaultVolume}
}

// Say starts prompt id in lang and returns at once. A prompt still playing
// is cut short. Say returns the Library's error for a prompt it does not
// have, and then stops the prompt playing: it belonged to what the citizen
// left. A disabled speaker remembers the prompt for Repeat and plays
// nothing.
func (s *Speaker) Say(lang, id string) error {
	b, err := s.lib(lang, id)
	if err != nil {
		s.Stop()
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last, s.lastID = b, lang+"/"+id
	s.startLocked()
	return nil
}

// Repeat says the last prompt again (the speaker button).
func (s *Speaker) Repeat() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked()
}

// Stop cuts the prompt playing short.
func (s *Speaker) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// VolumeUp raises the volume one step, says the last prompt again at the
// new level so the citizen hears the change, and returns the level.
func (s *Speaker) VolumeUp() audio.Volume { return s.changeVolume(+1) }

// VolumeDown lowers the volume one step, says the last prompt again, and
// returns the level.
func (s *Speaker) VolumeDown() audio.Volume { return s.changeVolume(-1) }

func (s *Speaker) changeVolume(d audio.Volume) audio.Volume {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vol = (s.vol + d).Clamp()
	s.startLocked()
	return s.vol
}

// SetVolume sets the level (clamped to 0..audio.MaxVolume), e.g. from the
// kiosk's configuration, without saying anything.
func (s *Speaker) SetVolume(v audio.Volume) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vol = v.Clamp()
}

// Volume returns the level.
func (s *Speaker) Volume() audio.Volume {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vol
}

// SetEnabled turns the speaker on or off; off stops the prompt playing.
func (s *Speaker) SetEnabled(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enabled = on
	if !on && s.cancel != nil {
		s.cancel()
	}
}

// Enabled reports whether the speaker is on.
func (s *Speaker) Enabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled
}

// Err returns the last playback error other than an interruption, e.g.
// audio.ErrNoDevice, for the technician's diagnostics.
func (s *Speaker) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Wait blocks until the prompt playing, if any, has ended.
func (s *Speaker) Wait() {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Close stops the prompt playing and waits for it to end. It does not
// close the Player.
func (s *Speaker) Close() error {
	s.SetEnabled(false)
	s.Wait()
	return nil
}

// startLocked plays the last prompt on a new goroutine. Players are not
// safe for concurrent use, so the new goroutine first waits for the one it
// replaces, which its cancel makes quick.
func (s *Speaker) startLocked() {
	if s.cancel != nil {
		s.cancel()
	}
	if !s.enabled || s.last == nil || s.p == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	prev, done := s.done, make(chan struct{})
	s.cancel, s.done = cancel, done
	rec, id, vol := s.last, s.lastID, s.vol
	go func() {
		defer close(done)
		defer cancel()
		if prev != nil {
			<-prev
		}
		if ctx.Err() != nil {
			return // replaced before it began
		}
		c, err := Decode(rec)
		if err != nil {
			err = fmt.Errorf("%s: %w", id, err)
		} else {
			err = s.p.Play(ctx, vol.Scale(c))
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
		}
	}()
}
