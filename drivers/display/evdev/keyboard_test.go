package evdev

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/display"
)

// A USB keyboard's keystroke as the kernel writes it: the HID scan code
// (EV_MSC MSC_SCAN), the key, a report.
const (
	evMsc   = 0x04
	mscScan = 0x04
)

func press(code uint16) []InputEvent {
	return []InputEvent{ev(evMsc, mscScan, 0x70000+int32(code)), ev(evKey, code, keyPressed), syn}
}

func release(code uint16) []InputEvent {
	return []InputEvent{ev(evMsc, mscScan, 0x70000+int32(code)), ev(evKey, code, keyReleased), syn}
}

func repeat(code uint16) []InputEvent { return []InputEvent{ev(evKey, code, keyRepeated), syn} }

// tap is a press and a release.
func tap(code uint16) []InputEvent { return append(press(code), release(code)...) }

// keys concatenates keystrokes into one recording.
func keys(strokes ...[]InputEvent) []byte {
	var evs []InputEvent
	for _, s := range strokes {
		evs = append(evs, s...)
	}
	return record(EventSize, evs...)
}

// typed renders decoded events compactly: runes as themselves, named keys
// as <Name> for KeyDown and </Name> for KeyUp.
func typed(evs []display.Event) string {
	var b strings.Builder
	for _, e := range evs {
		switch e.Kind {
		case display.Rune:
			b.WriteRune(e.Rune)
		case display.KeyDown:
			fmt.Fprintf(&b, "<%s>", e.Key)
		case display.KeyUp:
			fmt.Fprintf(&b, "</%s>", e.Key)
		default:
			fmt.Fprintf(&b, "{%+v}", e)
		}
	}
	return b.String()
}

func TestKeyboard(t *testing.T) {
	for _, tt := range []struct {
		name   string
		stream []byte
		want   string
	}{
		{"Mitra 42! with both shifts", keys(
			press(keyLeftShift), tap(keyM), release(keyLeftShift),
			tap(keyI), tap(keyT), tap(keyR), tap(keyA), tap(keySpace),
			tap(key1+3), tap(key1+1),
			press(keyRightShift), tap(key1), release(keyRightShift),
		), "Mitra 42!"},
		{"shifted symbols", keys(
			press(keyLeftShift), tap(key1+1), tap(keyMinus), tap(keyEqual), tap(keyLeftBrace),
			tap(keySemicolon), tap(keyApostrophe), tap(keyGrave), tap(keyBackslash),
			tap(keyComma), tap(keyDot), tap(keySlash), tap(key0), release(keyLeftShift),
			tap(keyMinus), tap(keyEqual), tap(keyRightBrace), tap(keySemicolon), tap(keyApostrophe),
			tap(keyGrave), tap(keyBackslash), tap(keyComma), tap(keyDot), tap(keySlash),
		), `@_+{:"~|<>?)-=];'` + "`" + `\,./`},
		{"CapsLock toggles letters only", keys(
			tap(keyCapsLock), tap(keyA), tap(key1),
			press(keyLeftShift), tap(keyB), tap(key1), release(keyLeftShift),
			tap(keyCapsLock), tap(keyC),
		), "A1b!c"},
		{"CapsLock autorepeat does not toggle", keys(
			press(keyCapsLock), repeat(keyCapsLock), repeat(keyCapsLock), release(keyCapsLock), tap(keyQ),
		), "Q"},
		{"autorepeat types again", keys(
			press(keyX), repeat(keyX), repeat(keyX), release(keyX),
		), "xxx"},
		{"named keys down and up", keys(
			tap(keyEnter), tap(keyBackspace), tap(keyEsc), tap(keyF1),
		), "<Return></Return><BackSpace></BackSpace><Escape></Escape><F1></F1>"},
		{"held named key repeats KeyDown", keys(
			press(keyBackspace), repeat(keyBackspace), release(keyBackspace),
		), "<BackSpace><BackSpace></BackSpace>"},
		{"navigation and function keys use Fyne's names", keys(
			tap(keyTab), tap(keyDelete), tap(keyInsert), tap(keyHome), tap(keyEnd),
			tap(keyPageUp), tap(keyPageDown), tap(keyUp), tap(keyDown), tap(keyLeft), tap(keyRight),
			press(keyF10), press(keyF11), press(keyF12),
		), "<Tab></Tab><Delete></Delete><Insert></Insert><Home></Home><End></End>" +
			"<Prior></Prior><Next></Next><Up></Up><Down></Down><Left></Left><Right></Right><F10><F11><F12>"},
		{"keypad", keys(
			tap(keyKP1), tap(keyKP2), tap(keyKP3), tap(keyKP4), tap(keyKP5),
			tap(keyKP6), tap(keyKP7), tap(keyKP8), tap(keyKP9), tap(keyKP0),
			tap(keyKPMinus), tap(keyKPPlus), tap(keyKPDot), tap(keyKPSlash), tap(keyKPAsterisk),
			press(keyLeftShift), tap(keyKP4), release(keyLeftShift),
			tap(keyKPEnter),
		), "1234567890-+./*4<Return></Return>"},
		{"Ctrl+C types nothing", keys(
			press(keyLeftCtrl), tap(keyC), release(keyLeftCtrl), tap(keyC),
		), "c"},
		{"Alt, AltGr and Meta combinations type nothing", keys(
			press(keyLeftAlt), tap(keyF1+3), tap(keyTab), release(keyLeftAlt),
			press(keyRightAlt), tap(keyQ), release(keyRightAlt),
			press(keyLeftMeta), tap(keyL), release(keyLeftMeta),
			press(keyRightCtrl), press(keyLeftAlt), tap(keyDelete), release(keyLeftAlt), release(keyRightCtrl),
			tap(keyL),
		), "l"},
		{"a key held before Ctrl still comes up", keys(
			press(keyEsc), press(keyLeftCtrl), repeat(keyEsc), release(keyEsc), release(keyLeftCtrl),
		), "<Escape></Escape>"},
		{"SYN_DROPPED forgets a stuck Shift and releases keys", keys(
			press(keyLeftShift), tap(keyA), press(keyEnter),
			[]InputEvent{ev(evSyn, synDropped, 0), ev(evKey, keyB, keyPressed), syn}, // b is lost with the report
			tap(keyA),
		), "A<Return></Return>a"},
		{"SYN_DROPPED keeps CapsLock", keys(
			tap(keyCapsLock), []InputEvent{ev(evSyn, synDropped, 0), syn}, tap(keyA),
		), "A"},
		{"unknown keys, power button, mouse buttons and odd values type nothing", keys(
			tap(keyPower), tap(btnLeft), tap(keyCnt+5), []InputEvent{ev(evKey, keyA, 7), ev(evKey, keyA, -1), syn}, tap(0),
		), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{len(tt.stream) + 1, EventSize, 5} {
				got := typed(playbackDecoder(t, &keyboard{}, tt.stream, max(chunk, 1)))
				if got != tt.want {
					t.Errorf("chunk %d: typed %q, want %q", chunk, got, tt.want)
				}
			}
		})
	}
}

// TestClassify: the capability bitmaps (as EVIOCGBIT returns them) decide
// what is read: touch panels and tablets as touch, keyboards as keyboards,
// and not mice, power buttons or media remotes.
func TestClassify(t *testing.T) {
	bits := func(n int, codes ...int) []byte {
		b := make([]byte, n/8)
		for _, c := range codes {
			b[c/8] |= 1 << (c % 8)
		}
		return b
	}
	evs := func(types ...int) []byte { return bits(evCnt, types...) }
	keyBits := func(codes ...int) []byte { return bits(keyCnt, codes...) }
	absBits := func(codes ...int) []byte { return bits(absCnt, codes...) }
	kbd := append(slices.Clone(keyboardKeys), keyEsc, keySpace, keyLeftShift, keyF1, keyKP0)
	for _, tt := range []struct {
		name         string
		ev, key, abs []byte
		want         deviceKind
	}{
		{"USB keyboard", evs(evSyn, evKey, evMsc, 0x11, 0x14), keyBits(kbd...), absBits(), keyboardDevice},
		{"QEMU usb-tablet", evs(evSyn, evKey, evAbs), keyBits(btnLeft, btnLeft+1, btnLeft+2), absBits(absX, absY), touchDevice},
		{"multitouch panel", evs(evSyn, evKey, evAbs), keyBits(btnTouch), absBits(absMTSlot, absMTPositionX, absMTPositionY, absMTTrackingID), touchDevice},
		{"touch panel with keys stays touch", evs(evSyn, evKey, evAbs), keyBits(append(kbd, btnTouch)...), absBits(absX, absY), touchDevice},
		{"mouse", evs(evSyn, evKey, evRel), keyBits(btnLeft, btnLeft+1, btnLeft+2), absBits(), notOurs},
		{"power button", evs(evSyn, evKey), keyBits(keyPower), absBits(), notOurs},
		{"media keys", evs(evSyn, evKey), keyBits(113, 114, 115, 163, 164, 165), absBits(), notOurs},
		{"letters without Enter", evs(evSyn, evKey), keyBits(keyboardKeys[:26]...), absBits(), notOurs},
		{"keys but no EV_KEY", evs(evSyn), keyBits(kbd...), absBits(), notOurs},
		{"only X", evs(evSyn, evAbs), keyBits(), absBits(absX), notOurs},
		{"nothing", nil, nil, nil, notOurs},
	} {
		if got := classify(tt.ev, tt.key, tt.abs); got != tt.want {
			t.Errorf("%s: classify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestScanOpensKeyboards runs the scanner over fake devices: event0 a
// keyboard (a pipe standing in for the device file), event1 a touch panel,
// event2 a mouse and event3 a power button the prober turns down, and
// event4 a keyboard plugged in later that the rescan finds.
func TestScanOpensKeyboards(t *testing.T) {
	dir := t.TempDir()
	kinds := map[string]deviceKind{"event0": keyboardDevice, "event1": touchDevice, "event2": notOurs, "event3": notOurs}
	for name := range kinds {
		if err := os.WriteFile(dir+"/"+name, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	writers := map[string]*os.File{}
	probe := func(path string, complete func(x, y Axis) Transform) (device, error) {
		name := path[len(dir)+1:]
		mu.Lock()
		defer mu.Unlock()
		k := kinds[name]
		if k == notOurs {
			return device{}, fmt.Errorf("%s: not ours", name)
		}
		r, w, err := os.Pipe()
		if err != nil {
			return device{}, err
		}
		writers[name] = w
		return device{f: r, kind: k, t: complete(Axis{0, 100}, Axis{0, 100})}, nil
	}
	var logs []string
	in, err := open(Opts{
		Width: 101, Height: 101, Glob: dir + "/event*", Rescan: 5 * time.Millisecond,
		Logf: func(format string, args ...any) {
			mu.Lock()
			logs = append(logs, fmt.Sprintf(format, args...))
			mu.Unlock()
		},
	}, probe)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if got, want := in.Devices(), []string{dir + "/event0", dir + "/event1"}; !slices.Equal(got, want) {
		t.Fatalf("Devices() = %v, want %v", got, want)
	}
	if got, want := in.TouchDevices(), []string{dir + "/event1"}; !slices.Equal(got, want) {
		t.Errorf("TouchDevices() = %v, want %v", got, want)
	}
	if got, want := in.Keyboards(), []string{dir + "/event0"}; !slices.Equal(got, want) {
		t.Errorf("Keyboards() = %v, want %v", got, want)
	}

	// A keyboard plugged in later.
	mu.Lock()
	kinds["event4"] = keyboardDevice
	mu.Unlock()
	if err := os.WriteFile(dir+"/event4", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(in.Devices()) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("Devices() = %v: the rescan did not open event4", in.Devices())
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Each keyboard types through the keyboard decoder, the panel
	// through the touch decoder.
	write := func(name string, b []byte) {
		mu.Lock()
		w := writers[name]
		mu.Unlock()
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	next := func() display.Event {
		select {
		case e := <-in.Events():
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
		}
		return display.Event{}
	}
	write("event0", keys(press(keyLeftShift), tap(keyK), release(keyLeftShift)))
	if e := next(); e.Kind != display.Rune || e.Rune != 'K' {
		t.Errorf("event0 typed %+v, want Rune K", e)
	}
	write("event4", keys(tap(keyEnter)))
	if got := typed([]display.Event{next(), next()}); got != "<Return></Return>" {
		t.Errorf("event4 typed %q, want <Return></Return>", got)
	}
	write("event1", record(EventSize, ev(evAbs, absX, 50), ev(evAbs, absY, 100), ev(evKey, btnTouch, 1), syn))
	if e := next(); e.Kind != display.TouchDown || e.X != 50 || e.Y != 100 {
		t.Errorf("event1 sent %+v, want TouchDown at (50,100)", e)
	}

	// A keyboard unplugged is forgotten (and not reopened by the rescan).
	mu.Lock()
	kinds["event0"] = notOurs
	writers["event0"].Close()
	mu.Unlock()
	deadline = time.Now().Add(5 * time.Second)
	for len(in.Devices()) != 2 || in.Devices()[0] == dir+"/event0" {
		if time.Now().After(deadline) {
			t.Fatalf("Devices() = %v after event0 went", in.Devices())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{
		dir + "/event0: keyboard (US layout), grabbed",
		dir + "/event1: touch device, x 0..100, y 0..100",
		dir + "/event4: keyboard (US layout), grabbed",
	} {
		if !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("no log %q in %q", want, logs)
		}
	}
	for _, l := range logs {
		if strings.Contains(l, "event2") || strings.Contains(l, "event3") {
			t.Errorf("logged a device that is not ours: %q", l)
		}
	}
}

// FuzzKeyboard feeds arbitrary bytes through the parser and the keyboard
// decoder: no panic, only key and rune events, runes are printable ASCII,
// named keys are Fyne's, and every KeyUp follows its KeyDown.
func FuzzKeyboard(f *testing.F) {
	f.Add(keys(press(keyLeftShift), tap(keyM), release(keyLeftShift), tap(keyI), tap(keyCapsLock), tap(keyT), repeat(keyT)))
	f.Add(keys(press(keyEnter), press(keyLeftCtrl), tap(keyC), []InputEvent{ev(evSyn, synDropped, 0)}, tap(keyKPEnter), tap(keyF12)))
	names := map[string]bool{}
	for _, n := range keyNames {
		names[n] = true
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)/EventSize*EventSize]
		evs, err := ParseEvents(b, EventSize)
		if err != nil {
			t.Fatal(err)
		}
		var k keyboard
		var out []display.Event
		for _, e := range evs {
			out = k.feed(e, out)
		}
		down := map[string]bool{}
		for _, e := range out {
			switch e.Kind {
			case display.Rune:
				if e.Rune < ' ' || e.Rune > '~' {
					t.Fatalf("rune %q is not printable ASCII", e.Rune)
				}
			case display.KeyDown:
				if !names[e.Key] {
					t.Fatalf("KeyDown %q is not a known key name", e.Key)
				}
				down[e.Key] = true
			case display.KeyUp:
				if !down[e.Key] {
					t.Fatalf("KeyUp %q without KeyDown", e.Key)
				}
			default:
				t.Fatalf("keyboard sent %+v", e)
			}
		}
	})
}

// TestCloseUnblocksReader: the ioctls made on a device file must leave it
// in the runtime poller, so that closing it ends a read waiting for an
// event (an idle keyboard would otherwise hold Input.Close forever).
func TestCloseUnblocksReader(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := grab(r); err == nil {
		t.Fatalf("EVIOCGRAB on a pipe succeeded")
	}
	errc := make(chan error, 1)
	go func() { errc <- readEvents(r, EventSize, &keyboard{}, make(chan display.Event), nil) }()
	time.Sleep(20 * time.Millisecond) // let the read start
	r.Close()
	select {
	case <-errc:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not end the pending read")
	}
}

// TestIoctlNumbers pins the request numbers to the values the C macros of
// include/uapi/linux/input.h give on Linux.
func TestIoctlNumbers(t *testing.T) {
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"EVIOCGBIT(0, 4)", eviocgbit(0, evCnt/8), 0x80044520},
		{"EVIOCGBIT(EV_KEY, 96)", eviocgbit(evKey, keyCnt/8), 0x80604521},
		{"EVIOCGBIT(EV_ABS, 8)", eviocgbit(evAbs, absCnt/8), 0x80084523},
		{"EVIOCGABS(ABS_X)", eviocgabs(absX), 0x80184540},
		{"EVIOCGRAB", eviocgrab, 0x40044590},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}
