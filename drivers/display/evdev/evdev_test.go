package evdev

import (
	"os"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// QEMU's virtio/usb tablet: ABS_X/ABS_Y in 0..32767 and BTN_LEFT
// (recorded in the guest under QEMU 7.2, see docs/test-peers.md).
var tabletTransform = Transform{Width: 1280, Height: 800, X: Axis{0, 32767}, Y: Axis{0, 32767}}

func ev(typ, code uint16, value int32) InputEvent { return InputEvent{typ, code, value} }

var syn = ev(evSyn, synReport, 0)

// record encodes events as a kernel would write them to the device file.
func record(size int, evs ...InputEvent) []byte {
	var b []byte
	for _, e := range evs {
		b = AppendEvent(b, size, e)
	}
	return b
}

// playback feeds a recorded stream through an os.Pipe into the device
// reader, as the kernel's event device would, and returns the events.
func playback(t *testing.T, tr Transform, stream []byte, chunk int) []display.Event {
	t.Helper()
	return playbackDecoder(t, &decoder{t: tr}, stream, chunk)
}

func playbackDecoder(t *testing.T, d feeder, stream []byte, chunk int) []display.Event {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan display.Event, 100)
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() { errc <- readEvents(r, EventSize, d, out, done) }()
	// Write in odd-sized pieces: a read may return part of an event.
	for len(stream) > 0 {
		n := min(chunk, len(stream))
		if _, err := w.Write(stream[:n]); err != nil {
			t.Fatal(err)
		}
		stream = stream[n:]
	}
	w.Close()
	if err := <-errc; err == nil {
		t.Fatalf("readEvents returned nil at EOF, want the EOF error")
	}
	r.Close()
	close(out)
	var got []display.Event
	for e := range out {
		got = append(got, e)
	}
	return got
}

func TestTabletTap(t *testing.T) {
	// QMP input-send-event: abs x, abs y (one report), then btn down, btn up.
	stream := record(EventSize,
		ev(evAbs, absX, 16383), ev(evAbs, absY, 16383), syn,
		ev(evKey, btnLeft, 1), syn,
		ev(evKey, btnLeft, 0), syn,
	)
	for _, chunk := range []int{len(stream), EventSize, 7} {
		got := playback(t, tabletTransform, stream, chunk)
		want := []display.Event{
			{Kind: display.TouchDown, X: 639.4805, Y: 399.4878},
			{Kind: display.TouchUp, X: 639.4805, Y: 399.4878},
		}
		if len(got) != len(want) {
			t.Fatalf("chunk %d: got %v, want %v", chunk, got, want)
		}
		for i := range want {
			if got[i].Kind != want[i].Kind || abs(got[i].X-want[i].X) > 0.01 || abs(got[i].Y-want[i].Y) > 0.01 {
				t.Errorf("chunk %d: event %d = %+v, want %+v", chunk, i, got[i], want[i])
			}
		}
	}
}

func abs(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

func TestSingleTouchDrag(t *testing.T) {
	tr := Transform{Width: 800, Height: 480, X: Axis{0, 4095}, Y: Axis{0, 4095}}
	stream := record(EventSize,
		ev(evKey, btnTouch, 1), ev(evAbs, absX, 0), ev(evAbs, absY, 0), syn,
		ev(evAbs, absX, 4095), syn, // move
		ev(evAbs, absX, 4095), syn, // same position: no move event
		ev(evKey, btnTouch, 0), syn,
	)
	got := playback(t, tr, stream, 5)
	want := []display.Event{
		{Kind: display.TouchDown, X: 0, Y: 0},
		{Kind: display.TouchMove, X: 799, Y: 0},
		{Kind: display.TouchUp, X: 799, Y: 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestMoveThresholdAndCoalescing: jitter under MinMove is dropped, and
// moves decoded from one read collapse into the newest.
func TestMoveThresholdAndCoalescing(t *testing.T) {
	tr := Transform{Width: 1001, Height: 1001, X: Axis{0, 1000}, Y: Axis{0, 1000}}
	down := record(EventSize, ev(evKey, btnTouch, 1), ev(evAbs, absX, 100), ev(evAbs, absY, 100), syn)
	jitter := record(EventSize, ev(evAbs, absX, 102), syn, ev(evAbs, absY, 98), syn) // < 4 px from (100,100)
	drag := record(EventSize, ev(evAbs, absX, 200), syn, ev(evAbs, absX, 300), syn, ev(evAbs, absX, 400), syn)
	up := record(EventSize, ev(evKey, btnTouch, 0), syn)
	stream := append(append(append(down, jitter...), drag...), up...)

	// Whole stream in one read: the three drag moves coalesce into one.
	got := playbackDecoder(t, &decoder{t: tr, minMove: 4}, stream, len(stream))
	want := []display.Event{
		{Kind: display.TouchDown, X: 100, Y: 100},
		{Kind: display.TouchMove, X: 400, Y: 98},
		{Kind: display.TouchUp, X: 400, Y: 98},
	}
	if len(got) != len(want) {
		t.Fatalf("one read: got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("one read: event %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	// The decoder alone (no coalescing): the jitter is dropped, each drag
	// step is a move.
	raw, err := ParseEvents(stream, EventSize)
	if err != nil {
		t.Fatal(err)
	}
	d := decoder{t: tr, minMove: 4}
	var evs []display.Event
	for _, e := range raw {
		evs = d.feed(e, evs)
	}
	var moves []float32
	for _, e := range evs {
		if e.Kind == display.TouchMove {
			moves = append(moves, e.X)
		}
	}
	if len(moves) != 3 || moves[0] != 200 || moves[1] != 300 || moves[2] != 400 {
		t.Errorf("decoder moves at x = %v, want [200 300 400] (jitter dropped)", moves)
	}
}

func TestMultitouchSlot0(t *testing.T) {
	tr := Transform{Width: 1000, Height: 1000, X: Axis{0, 1000}, Y: Axis{0, 1000}}
	stream := record(EventSize,
		// Finger in slot 0 goes down.
		ev(evAbs, absMTSlot, 0), ev(evAbs, absMTTrackingID, 7), ev(evAbs, absMTPositionX, 100), ev(evAbs, absMTPositionY, 200),
		ev(evKey, btnTouch, 1), ev(evAbs, absX, 100), ev(evAbs, absY, 200), syn,
		// A second finger in slot 1 is ignored; ABS_X emulation is ignored once MT is seen.
		ev(evAbs, absMTSlot, 1), ev(evAbs, absMTTrackingID, 8), ev(evAbs, absMTPositionX, 900), ev(evAbs, absMTPositionY, 900),
		ev(evAbs, absX, 900), syn,
		// Slot 0 moves.
		ev(evAbs, absMTSlot, 0), ev(evAbs, absMTPositionX, 150), syn,
		// Slot 0 lifts.
		ev(evAbs, absMTTrackingID, -1), syn,
	)
	got := playback(t, tr, stream, 24)
	want := []display.Event{
		{Kind: display.TouchDown, X: 99.9, Y: 199.8},
		{Kind: display.TouchMove, X: 149.85, Y: 199.8},
		{Kind: display.TouchUp, X: 149.85, Y: 199.8},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || abs(got[i].X-want[i].X) > 0.01 || abs(got[i].Y-want[i].Y) > 0.01 {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSynDroppedLiftsTouch(t *testing.T) {
	stream := record(EventSize,
		ev(evAbs, absX, 100), ev(evAbs, absY, 100), ev(evKey, btnLeft, 1), syn,
		ev(evSyn, synDropped, 0),
		ev(evAbs, absX, 32767), syn, // discarded: part of the dropped report
		ev(evKey, btnLeft, 1), syn, // a fresh touch after resync
	)
	got := playback(t, tabletTransform, stream, len(stream))
	kinds := []display.EventKind{display.TouchDown, display.TouchUp, display.TouchDown}
	if len(got) != len(kinds) {
		t.Fatalf("got %+v, want kinds %v", got, kinds)
	}
	for i, k := range kinds {
		if got[i].Kind != k {
			t.Errorf("event %d = %+v, want kind %v", i, got[i], k)
		}
	}
}

func TestTransform(t *testing.T) {
	base := Transform{Width: 800, Height: 480, X: Axis{0, 1000}, Y: Axis{0, 1000}}
	for _, tt := range []struct {
		name         string
		mod          func(*Transform)
		rx, ry       int32
		wantX, wantY float32
	}{
		{"identity", func(*Transform) {}, 1000, 0, 799, 0},
		{"clamped below", func(*Transform) {}, -50, 2000, 0, 479},
		{"calibrated", func(t *Transform) { t.X = Axis{100, 900} }, 100, 0, 0, 0},
		{"inverted x", func(t *Transform) { t.InvertX = true }, 1000, 0, 0, 0},
		{"inverted y", func(t *Transform) { t.InvertY = true }, 0, 0, 0, 479},
		{"swapped", func(t *Transform) { t.SwapXY = true }, 0, 1000, 799, 0},
		{"rotate 180", func(t *Transform) { t.Rotate = 180 }, 0, 0, 799, 479},
		{"rotate 90: device top-left is screen top-right", func(t *Transform) { t.Rotate = 90 }, 0, 0, 799, 0},
		{"rotate 270: device top-left is screen bottom-left", func(t *Transform) { t.Rotate = 270 }, 0, 0, 0, 479},
		{"degenerate axis", func(t *Transform) { t.X = Axis{5, 5} }, 5, 0, 0, 0},
	} {
		tr := base
		tt.mod(&tr)
		x, y := tr.apply(tt.rx, tt.ry)
		if abs(x-tt.wantX) > 0.01 || abs(y-tt.wantY) > 0.01 {
			t.Errorf("%s: apply(%d,%d) = (%v,%v), want (%v,%v)", tt.name, tt.rx, tt.ry, x, y, tt.wantX, tt.wantY)
		}
	}
}

func TestParseEvents(t *testing.T) {
	for _, size := range []int{16, 24} {
		b := record(size, ev(evAbs, absMTPositionX, -5), ev(evKey, btnTouch, 1))
		got, err := ParseEvents(b, size)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != ev(evAbs, absMTPositionX, -5) || got[1] != ev(evKey, btnTouch, 1) {
			t.Errorf("ParseEvents(size %d) = %+v", size, got)
		}
		if _, err := ParseEvents(b[:len(b)-1], size); err == nil {
			t.Errorf("ParseEvents(truncated, %d) succeeded", size)
		}
	}
	if _, err := ParseEvents(nil, 20); err == nil {
		t.Errorf("ParseEvents(size 20) succeeded")
	}
}

// TestOpenScansOnlyTouchDevices points the scanner at files that are not
// event devices: it must skip them (the EVIOCGBIT ioctl fails), keep
// running, and close cleanly.
func TestOpenScansOnlyTouchDevices(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/event0", []byte("not a device"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := Open(Opts{Width: 800, Height: 480, Glob: dir + "/event*", Rescan: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got := in.Devices(); len(got) != 0 {
		t.Errorf("Devices() = %v, want none", got)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-in.Events(); ok {
		t.Errorf("Events() still open after Close")
	}
	if _, err := Open(Opts{Width: 0, Height: 480}); err == nil {
		t.Errorf("Open(width 0) succeeded")
	}
	if _, err := Open(Opts{Width: 8, Height: 8, Rotate: 45}); err == nil {
		t.Errorf("Open(rotate 45) succeeded")
	}
}

// FuzzDecode feeds arbitrary bytes through the parser and decoder: no
// panic, and every touch lands on the screen.
func FuzzDecode(f *testing.F) {
	f.Add(record(EventSize, ev(evAbs, absX, 16383), ev(evAbs, absY, 16383), syn, ev(evKey, btnLeft, 1), syn, ev(evKey, btnLeft, 0), syn))
	f.Add(record(EventSize, ev(evAbs, absMTSlot, 0), ev(evAbs, absMTTrackingID, 1), ev(evAbs, absMTPositionX, -9999), syn, ev(evSyn, synDropped, 0), syn))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)/EventSize*EventSize]
		evs, err := ParseEvents(b, EventSize)
		if err != nil {
			t.Fatal(err)
		}
		d := decoder{t: Transform{Width: 1280, Height: 800, X: Axis{-100, 32767}, Y: Axis{0, 32767}, Rotate: 90}}
		var out []display.Event
		for _, e := range evs {
			out = d.feed(e, out)
		}
		for _, e := range out {
			if e.X < 0 || e.X > 1279 || e.Y < 0 || e.Y > 799 {
				t.Fatalf("event off screen: %+v", e)
			}
		}
	})
}
