package wavsink

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/wav"
)

func TestRecordsAndWrites(t *testing.T) {
	dir := t.TempDir()
	s := New(&Opts{Dir: dir})
	c := audio.Clip{Rate: 8000, Samples: []int16{1, 2, 3}}
	if err := s.Play(context.Background(), c); err != nil {
		t.Fatalf("Play() = %v", err)
	}
	p := s.Played()
	if len(p) != 1 || p[0].Interrupted || len(p[0].Clip.Samples) != 3 {
		t.Fatalf("Played() = %+v", p)
	}
	f, err := os.Open(p[0].File)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := wav.Decode(f)
	if err != nil || len(got.Samples) != 3 || got.Rate != 8000 {
		t.Errorf("wav.Decode(%s) = %+v, %v", p[0].File, got, err)
	}
	s.Close()
	if err := s.Play(context.Background(), c); err == nil {
		t.Errorf("Play() after Close() = nil")
	}
}

func TestRealtimeInterrupt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(&Opts{Realtime: true})
		c := audio.Clip{Rate: 1000, Samples: make([]int16, 2000)} // 2 s
		start := time.Now()
		if err := s.Play(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if got, want := time.Since(start), 2*time.Second; got != want {
			t.Errorf("Play() took %v, want %v", got, want)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start = time.Now()
		if err := s.Play(ctx, c); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Play() = %v, want DeadlineExceeded", err)
		}
		if got, want := time.Since(start), 500*time.Millisecond; got != want {
			t.Errorf("interrupted Play() took %v, want %v", got, want)
		}
		if p := s.Played(); len(p) != 2 || p[0].Interrupted || !p[1].Interrupted {
			t.Errorf("Played() = %+v, want second interrupted", p)
		}
	})
}

func TestKeep(t *testing.T) {
	dir := t.TempDir()
	s := New(&Opts{Dir: dir, Keep: 2})
	for i := range 5 {
		s.Play(context.Background(), audio.Clip{Rate: 8000, Samples: []int16{int16(i)}})
	}
	p := s.Played()
	if len(p) != 2 || p[0].Clip.Samples[0] != 3 || p[1].Clip.Samples[0] != 4 {
		t.Fatalf("Played() = %+v, want the last two clips", p)
	}
	files, _ := os.ReadDir(dir)
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if want := []string{"0004.wav", "0005.wav"}; !slices.Equal(names, want) {
		t.Errorf("files = %v, want %v", names, want)
	}
}
