package speech

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/wavsink"
)

var errNoPrompt = errors.New("no such prompt")

// tone is a 440 Hz tone of d at 16 kHz, loud enough that a volume step
// changes every sample that is not zero.
func tone(d time.Duration) audio.Clip {
	c := audio.Clip{Rate: 16000, Samples: make([]int16, int(d.Seconds()*16000))}
	for i := range c.Samples {
		c.Samples[i] = int16(12000 * math.Sin(2*math.Pi*440*float64(i)/16000))
	}
	return c
}

// testLibrary holds prompts of known lengths, encoded as the kiosk stores
// them: a 1.5 s "home", a 2 s "cash", 3 s "bill" and 1 s "attract", in
// Hindi and English.
func testLibrary(t testing.TB) (Library, map[string]audio.Clip) {
	t.Helper()
	stored := map[string][]byte{}
	decoded := map[string]audio.Clip{}
	for id, d := range map[string]time.Duration{"home": 1500 * time.Millisecond, "cash": 2 * time.Second, "bill": 3 * time.Second, "attract": time.Second} {
		for _, lang := range []string{"hi", "en"} {
			b, err := Encode(tone(d))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			stored[lang+"/"+id], decoded[lang+"/"+id] = b, c
		}
	}
	return func(lang, id string) ([]byte, error) {
		b, ok := stored[lang+"/"+id]
		if !ok {
			return nil, fmt.Errorf("%w: %s/%s", errNoPrompt, lang, id)
		}
		return b, nil
	}, decoded
}

func TestSay(t *testing.T) {
	lib, clips := testLibrary(t)
	sink := wavsink.New(nil)
	s := New(sink, lib, true)
	if err := s.Say("hi", "home"); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	p := sink.Played()
	if len(p) != 1 || p[0].Interrupted {
		t.Fatalf("Played() = %d clips, want 1 whole", len(p))
	}
	if got, want := len(p[0].Clip.Samples), len(clips["hi/home"].Samples); got != want {
		t.Errorf("played %d samples, want %d", got, want)
	}
	if err := s.Say("en", "no.such.prompt"); !errors.Is(err, errNoPrompt) {
		t.Errorf("Say(unknown) = %v, want the library's error", err)
	}
	s.Close()
}

func TestSayCancelsPrevious(t *testing.T) {
	lib, clips := testLibrary(t)
	synctest.Test(t, func(t *testing.T) {
		sink := wavsink.New(&wavsink.Opts{Realtime: true})
		s := New(sink, lib, true)
		s.Say("en", "attract")
		time.Sleep(300 * time.Millisecond) // into the prompt
		s.Say("en", "home")
		s.Wait()
		p := sink.Played()
		if len(p) != 2 || !p[0].Interrupted || p[1].Interrupted {
			t.Fatalf("Played() = %+v, want attract interrupted, home whole", summary(p))
		}
		// Three quick taps: only the last is heard whole, none overlap.
		sink.Reset()
		s.Say("hi", "home")
		s.Say("hi", "cash")
		s.Say("hi", "bill")
		s.Wait()
		p = sink.Played()
		if n := len(p); n == 0 || p[n-1].Interrupted || len(p[n-1].Clip.Samples) != len(clips["hi/bill"].Samples) {
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

// A prompt is cut short by a prompt the library does not have (a screen
// without one: the prompt was about the screen the citizen left), by
// turning the speaker off, and by Stop.
func TestInterrupted(t *testing.T) {
	lib, _ := testLibrary(t)
	for name, interrupt := range map[string]func(*testing.T, *Speaker){
		"unknown prompt": func(t *testing.T, s *Speaker) {
			if err := s.Say("en", "technician"); err == nil {
				t.Error("Say(technician) = nil, want an error")
			}
		},
		"SetEnabled(false)": func(t *testing.T, s *Speaker) { s.SetEnabled(false) },
		"Stop":              func(t *testing.T, s *Speaker) { s.Stop() },
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sink := wavsink.New(&wavsink.Opts{Realtime: true})
				s := New(sink, lib, true)
				s.Say("en", "bill")
				time.Sleep(100 * time.Millisecond)
				interrupt(t, s)
				s.Wait()
				if p := sink.Played(); len(p) != 1 || !p[0].Interrupted {
					t.Fatalf("Played() = %+v, want the bill prompt interrupted", summary(p))
				}
			})
		})
	}
}

func TestDisabled(t *testing.T) {
	lib, _ := testLibrary(t)
	sink := wavsink.New(nil)
	s := New(sink, lib, false)
	s.Say("hi", "home")
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

func TestVolume(t *testing.T) {
	lib, clips := testLibrary(t)
	sink := wavsink.New(nil)
	s := New(sink, lib, true)
	s.SetVolume(audio.MaxVolume)
	s.Say("en", "home")
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
	want := clips["en/home"]
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
	lib, _ := testLibrary(t)
	s := New(failingPlayer{}, lib, true)
	s.Say("en", "home")
	s.Wait()
	if err := s.Err(); !errors.Is(err, audio.ErrNoDevice) {
		t.Errorf("Err() = %v, want ErrNoDevice", err)
	}
	// A corrupt recording is reported, not played.
	bad := func(lang, id string) ([]byte, error) { return []byte("not a recording"), nil }
	sink := wavsink.New(nil)
	s = New(sink, bad, true)
	s.Say("en", "home")
	s.Wait()
	if s.Err() == nil || len(sink.Played()) != 0 {
		t.Errorf("corrupt recording: Err() = %v, %d clips played; want an error and none", s.Err(), len(sink.Played()))
	}
}

func TestNilPlayer(t *testing.T) {
	lib, _ := testLibrary(t)
	s := New(nil, lib, true)
	if err := s.Say("hi", "home"); err != nil {
		t.Errorf("Say(home) = %v", err)
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
