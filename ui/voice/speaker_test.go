package voice

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/wavsink"
	"github.com/mitra-kiosk/mitra/ui/i18n"
)

func TestSay(t *testing.T) {
	sink := wavsink.New(nil)
	s := New(sink, true)
	if err := s.Say(i18n.Hindi, "home.prompt"); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	p := sink.Played()
	if len(p) != 1 || p[0].Interrupted {
		t.Fatalf("Played() = %d clips, want 1 whole", len(p))
	}
	want, _ := Clip(i18n.Hindi, "home.prompt")
	if got := len(p[0].Clip.Samples); got != len(want.Samples) {
		t.Errorf("played %d samples, want %d", got, len(want.Samples))
	}
	if err := s.Say(i18n.English, "no.such.prompt"); !errors.Is(err, ErrUnknownPrompt) {
		t.Errorf("Say(unknown) = %v, want ErrUnknownPrompt", err)
	}
	if !s.SayScreen(i18n.English, "cash") || s.SayScreen(i18n.English, "technician") {
		t.Errorf("SayScreen: cash has a prompt, technician has none")
	}
	s.Close()
}

func TestSayCancelsPrevious(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink := wavsink.New(&wavsink.Opts{Realtime: true})
		s := New(sink, true)
		s.SayScreen(i18n.English, "attract")
		time.Sleep(300 * time.Millisecond) // into the prompt
		s.SayScreen(i18n.English, "home")
		s.Wait()
		p := sink.Played()
		if len(p) != 2 || !p[0].Interrupted || p[1].Interrupted {
			t.Fatalf("Played() = %+v, want attract interrupted, home whole", summary(p))
		}
		// Three quick taps: only the last is heard whole, none overlap.
		sink.Reset()
		s.SayScreen(i18n.Hindi, "bills")
		s.SayScreen(i18n.Hindi, "biller")
		s.SayScreen(i18n.Hindi, "bill")
		s.Wait()
		p = sink.Played()
		last, _ := Clip(i18n.Hindi, Screens["bill"].ID())
		if n := len(p); n == 0 || p[n-1].Interrupted || len(p[n-1].Clip.Samples) != len(last.Samples) {
			t.Fatalf("after three taps Played() = %+v, want the bill prompt whole last", summary(p))
		}
		for _, x := range p[:len(p)-1] {
			if !x.Interrupted {
				t.Errorf("an earlier prompt played to the end: %+v", summary(p))
			}
		}
		s.Close()
	})
}

func TestDisabled(t *testing.T) {
	sink := wavsink.New(nil)
	s := New(sink, false)
	s.SayScreen(i18n.Hindi, "home")
	s.Repeat()
	s.VolumeUp()
	s.Wait()
	if p := sink.Played(); len(p) != 0 {
		t.Fatalf("a disabled speaker played %d clips", len(p))
	}
	// Turned on, Repeat says the screen the citizen is on.
	s.SetEnabled(true)
	s.Repeat()
	s.Wait()
	if p := sink.Played(); len(p) != 1 {
		t.Fatalf("Repeat() after SetEnabled(true) played %d clips, want 1", len(p))
	}
}

func TestDisableStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink := wavsink.New(&wavsink.Opts{Realtime: true})
		s := New(sink, true)
		s.SayScreen(i18n.English, "cash")
		time.Sleep(100 * time.Millisecond)
		s.SetEnabled(false)
		s.Wait()
		if p := sink.Played(); len(p) != 1 || !p[0].Interrupted {
			t.Fatalf("SetEnabled(false) did not stop the prompt: %+v", summary(p))
		}
	})
}

func TestVolume(t *testing.T) {
	sink := wavsink.New(nil)
	s := New(sink, true)
	s.SetVolume(audio.MaxVolume)
	s.Say(i18n.English, "home.prompt")
	s.Wait()
	if got := s.VolumeDown(); got != audio.MaxVolume-1 {
		t.Errorf("VolumeDown() = %d, want %d", got, audio.MaxVolume-1)
	}
	s.Wait()
	p := sink.Played()
	if len(p) != 2 {
		t.Fatalf("VolumeDown() did not say the prompt again: %d clips", len(p))
	}
	full, lower := p[0].Clip.Samples, p[1].Clip.Samples
	want, _ := Clip(i18n.English, "home.prompt")
	for i := range full {
		if full[i] != want.Samples[i] {
			t.Fatalf("at MaxVolume sample %d = %d, want %d unchanged", i, full[i], want.Samples[i])
		}
		if g := audio.Volume(9).Apply(nil, full[i:i+1])[0]; lower[i] != g {
			t.Fatalf("at volume 9 sample %d = %d, want %d", i, lower[i], g)
		}
	}
	for range 20 {
		s.VolumeUp()
	}
	if got := s.Volume(); got != audio.MaxVolume {
		t.Errorf("Volume() after 20 VolumeUp = %d, want %d", got, audio.MaxVolume)
	}
	for range 20 {
		s.VolumeDown()
	}
	s.Wait()
	if got := s.Volume(); got != 0 {
		t.Errorf("Volume() after 20 VolumeDown = %d, want 0", got)
	}
}

type failingPlayer struct{}

func (failingPlayer) Play(context.Context, audio.Clip) error { return audio.ErrNoDevice }
func (failingPlayer) Close() error                           { return nil }

func TestErr(t *testing.T) {
	s := New(failingPlayer{}, true)
	s.SayScreen(i18n.English, "home")
	s.Wait()
	if err := s.Err(); !errors.Is(err, audio.ErrNoDevice) {
		t.Errorf("Err() = %v, want ErrNoDevice", err)
	}
}

func TestNilPlayer(t *testing.T) {
	s := New(nil, true)
	if !s.SayScreen(i18n.Hindi, "home") {
		t.Errorf("SayScreen(home) = false")
	}
	s.Repeat()
	s.Wait()
	if err := s.Err(); err != nil {
		t.Errorf("Err() = %v with no player", err)
	}
}

func summary(p []wavsink.Played) []string {
	var out []string
	for _, x := range p {
		s := x.Clip.Duration().String()
		if x.Interrupted {
			s += " (interrupted)"
		}
		out = append(out, s)
	}
	return out
}
