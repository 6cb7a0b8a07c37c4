package evdev

import (
	"github.com/mitra-kiosk/mitra/drivers/display"
)

// Key codes (include/uapi/linux/input-event-codes.h). The letters follow
// the QWERTY rows of the PC keyboard, not the alphabet.
const (
	keyEsc        = 1
	key1          = 2 // KEY_1..KEY_9 are 2..10
	key0          = 11
	keyMinus      = 12
	keyEqual      = 13
	keyBackspace  = 14
	keyTab        = 15
	keyQ          = 16
	keyW          = 17
	keyE          = 18
	keyR          = 19
	keyT          = 20
	keyY          = 21
	keyU          = 22
	keyI          = 23
	keyO          = 24
	keyP          = 25
	keyLeftBrace  = 26
	keyRightBrace = 27
	keyEnter      = 28
	keyLeftCtrl   = 29
	keyA          = 30
	keyS          = 31
	keyD          = 32
	keyF          = 33
	keyG          = 34
	keyH          = 35
	keyJ          = 36
	keyK          = 37
	keyL          = 38
	keySemicolon  = 39
	keyApostrophe = 40
	keyGrave      = 41
	keyLeftShift  = 42
	keyBackslash  = 43
	keyZ          = 44
	keyX          = 45
	keyC          = 46
	keyV          = 47
	keyB          = 48
	keyN          = 49
	keyM          = 50
	keyComma      = 51
	keyDot        = 52
	keySlash      = 53
	keyRightShift = 54
	keyKPAsterisk = 55
	keyLeftAlt    = 56
	keySpace      = 57
	keyCapsLock   = 58
	keyF1         = 59 // KEY_F1..KEY_F10 are 59..68
	keyF10        = 68
	keyKP7        = 71
	keyKP8        = 72
	keyKP9        = 73
	keyKPMinus    = 74
	keyKP4        = 75
	keyKP5        = 76
	keyKP6        = 77
	keyKPPlus     = 78
	keyKP1        = 79
	keyKP2        = 80
	keyKP3        = 81
	keyKP0        = 82
	keyKPDot      = 83
	keyF11        = 87
	keyF12        = 88
	keyKPEnter    = 96
	keyRightCtrl  = 97
	keyKPSlash    = 98
	keyRightAlt   = 100
	keyHome       = 102
	keyUp         = 103
	keyPageUp     = 104
	keyLeft       = 105
	keyRight      = 106
	keyEnd        = 107
	keyDown       = 108
	keyPageDown   = 109
	keyInsert     = 110
	keyDelete     = 111
	keyPower      = 116
	keyLeftMeta   = 125
	keyRightMeta  = 126
	keyCnt        = 0x300 // KEY_MAX+1
)

// keyNames are the keys reported as KeyDown/KeyUp, named as fyne.KeyName
// (fyne.io/fyne/v2 key.go, third_party/fyne/key.go): note Fyne calls Page
// Up and Page Down "Prior" and "Next". The keypad's Enter is "Return", not
// Fyne's "KP_Enter": for the kiosk both confirm.
var keyNames = map[uint16]string{
	keyEsc:       "Escape",
	keyEnter:     "Return",
	keyKPEnter:   "Return",
	keyTab:       "Tab",
	keyBackspace: "BackSpace",
	keyInsert:    "Insert",
	keyDelete:    "Delete",
	keyRight:     "Right",
	keyLeft:      "Left",
	keyDown:      "Down",
	keyUp:        "Up",
	keyPageUp:    "Prior",
	keyPageDown:  "Next",
	keyHome:      "Home",
	keyEnd:       "End",
	keyF1:        "F1",
	keyF1 + 1:    "F2",
	keyF1 + 2:    "F3",
	keyF1 + 3:    "F4",
	keyF1 + 4:    "F5",
	keyF1 + 5:    "F6",
	keyF1 + 6:    "F7",
	keyF1 + 7:    "F8",
	keyF1 + 8:    "F9",
	keyF10:       "F10",
	keyF11:       "F11",
	keyF12:       "F12",
}

// usLayout is the US QWERTY layout: a printable key's character without
// and with Shift. Letters are lower case here; Shift and CapsLock make them
// upper case. The keypad ignores Shift (and NumLock: it always types).
var usLayout = map[uint16][2]rune{
	key1: {'1', '!'}, key1 + 1: {'2', '@'}, key1 + 2: {'3', '#'}, key1 + 3: {'4', '$'},
	key1 + 4: {'5', '%'}, key1 + 5: {'6', '^'}, key1 + 6: {'7', '&'}, key1 + 7: {'8', '*'},
	key1 + 8: {'9', '('}, key0: {'0', ')'},
	keyMinus: {'-', '_'}, keyEqual: {'=', '+'},
	keyLeftBrace: {'[', '{'}, keyRightBrace: {']', '}'},
	keySemicolon: {';', ':'}, keyApostrophe: {'\'', '"'}, keyGrave: {'`', '~'},
	keyBackslash: {'\\', '|'},
	keyComma:     {',', '<'}, keyDot: {'.', '>'}, keySlash: {'/', '?'},
	keySpace: {' ', ' '},

	keyQ: {'q', 'Q'}, keyW: {'w', 'W'}, keyE: {'e', 'E'}, keyR: {'r', 'R'}, keyT: {'t', 'T'},
	keyY: {'y', 'Y'}, keyU: {'u', 'U'}, keyI: {'i', 'I'}, keyO: {'o', 'O'}, keyP: {'p', 'P'},
	keyA: {'a', 'A'}, keyS: {'s', 'S'}, keyD: {'d', 'D'}, keyF: {'f', 'F'}, keyG: {'g', 'G'},
	keyH: {'h', 'H'}, keyJ: {'j', 'J'}, keyK: {'k', 'K'}, keyL: {'l', 'L'},
	keyZ: {'z', 'Z'}, keyX: {'x', 'X'}, keyC: {'c', 'C'}, keyV: {'v', 'V'}, keyB: {'b', 'B'},
	keyN: {'n', 'N'}, keyM: {'m', 'M'},

	keyKP0: {'0', '0'}, keyKP1: {'1', '1'}, keyKP2: {'2', '2'}, keyKP3: {'3', '3'},
	keyKP4: {'4', '4'}, keyKP5: {'5', '5'}, keyKP6: {'6', '6'}, keyKP7: {'7', '7'},
	keyKP8: {'8', '8'}, keyKP9: {'9', '9'},
	keyKPMinus: {'-', '-'}, keyKPPlus: {'+', '+'}, keyKPDot: {'.', '.'},
	keyKPSlash: {'/', '/'}, keyKPAsterisk: {'*', '*'},
}

// Modifier bits of keyboard.mods.
const (
	modLeftShift = 1 << iota
	modRightShift
	modLeftCtrl
	modRightCtrl
	modLeftAlt
	modRightAlt
	modLeftMeta
	modRightMeta

	modShift = modLeftShift | modRightShift
	// modCombo held turns keys into a combination, which is not typing:
	// nothing is reported while one is down.
	modCombo = modLeftCtrl | modRightCtrl | modLeftAlt | modRightAlt | modLeftMeta | modRightMeta
)

var modifiers = map[uint16]uint8{
	keyLeftShift: modLeftShift, keyRightShift: modRightShift,
	keyLeftCtrl: modLeftCtrl, keyRightCtrl: modRightCtrl,
	keyLeftAlt: modLeftAlt, keyRightAlt: modRightAlt,
	keyLeftMeta: modLeftMeta, keyRightMeta: modRightMeta,
}

// Key event values (EV_KEY).
const (
	keyReleased = 0
	keyPressed  = 1
	keyRepeated = 2 // autorepeat, sent by the kernel while a key is held
)

// keyboard turns a keyboard's input_event stream into KeyDown, KeyUp and
// Rune events. Unlike touch, nothing waits for SYN_REPORT: each key event
// is one keystroke.
type keyboard struct {
	mods uint8
	caps bool              // CapsLock toggled on
	down [keyCnt / 8]uint8 // named keys reported with KeyDown and not yet KeyUp
	dropGate
}

// feed processes one event and appends any resulting display events.
func (k *keyboard) feed(e InputEvent, out []display.Event) []display.Event {
	if k.skip(e) {
		return out
	}
	switch e.Type {
	case evSyn:
		if e.Code == synDropped {
			// The kernel's buffer overflowed: key releases may be lost.
			// Forget the modifiers (no stuck Shift or Ctrl) and release
			// the keys reported down. CapsLock is a toggle, not a held
			// key, and stays as it was.
			k.dropping = true
			k.mods = 0
			return k.releaseAll(out)
		}
	case evKey:
		return k.key(e.Code, e.Value, out)
	}
	return out
}

func (k *keyboard) key(code uint16, value int32, out []display.Event) []display.Event {
	if code >= keyCnt {
		return out
	}
	if m, ok := modifiers[code]; ok {
		if value == keyReleased {
			k.mods &^= m
		} else {
			k.mods |= m
		}
		return out
	}
	if code == keyCapsLock {
		if value == keyPressed {
			k.caps = !k.caps
		}
		return out
	}
	switch value {
	case keyReleased:
		if name, ok := keyNames[code]; ok && k.isDown(code) {
			k.setDown(code, false)
			out = append(out, display.Event{Kind: display.KeyUp, Key: name})
		}
	case keyPressed, keyRepeated:
		if k.mods&modCombo != 0 {
			return out // a combination, not typing
		}
		if name, ok := keyNames[code]; ok {
			k.setDown(code, true)
			return append(out, display.Event{Kind: display.KeyDown, Key: name})
		}
		if r, ok := k.rune(code); ok {
			out = append(out, display.Event{Kind: display.Rune, Rune: r})
		}
	}
	return out
}

// rune is the character code types on a US keyboard in the current
// Shift and CapsLock state.
func (k *keyboard) rune(code uint16) (rune, bool) {
	rs, ok := usLayout[code]
	if !ok {
		return 0, false
	}
	shift := k.mods&modShift != 0
	if k.caps && rs[0] >= 'a' && rs[0] <= 'z' {
		shift = !shift // CapsLock affects letters only
	}
	if shift {
		return rs[1], true
	}
	return rs[0], true
}

// releaseAll reports KeyUp for every named key reported down, in key code
// order.
func (k *keyboard) releaseAll(out []display.Event) []display.Event {
	for code := uint16(0); code < keyCnt; code++ {
		if k.isDown(code) {
			k.setDown(code, false)
			out = append(out, display.Event{Kind: display.KeyUp, Key: keyNames[code]})
		}
	}
	return out
}

func (k *keyboard) isDown(code uint16) bool { return k.down[code/8]&(1<<(code%8)) != 0 }

func (k *keyboard) setDown(code uint16, down bool) {
	if down {
		k.down[code/8] |= 1 << (code % 8)
	} else {
		k.down[code/8] &^= 1 << (code % 8)
	}
}
