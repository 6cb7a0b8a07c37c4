package ui

import (
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// The kiosk's own text keyboards (the appliance has no input method):
// Latin QWERTY and Hindi InScript.
//
// Why InScript and not phonetic transliteration: InScript is the
// Government of India's standard Devanagari layout (BIS IS 13194), printed
// on the keyboards e-Mitra operators already use, and it is deterministic —
// every key gives one character, a halant (्) between consonants makes the
// conjunct, a matra key after a consonant gives the vowel sign — so what a
// citizen presses is exactly what is typed. Phonetic schemes need a
// dictionary to guess and guess wrong for names. The text is stored as
// Unicode code points in typing order, which is also their logical order;
// the shaper (go-text, through the embedded Noto Sans Devanagari) draws
// the conjuncts and reorders the ि matra.
//
// Backspace deletes one code point, as InScript keyboards do: deleting
// "र्" from "प्र" leaves "प्" and then "प".

// inscript is the layout, unshifted and shifted, row by row (the keys of
// a QWERTY keyboard, left to right). "" is a key with nothing on it.
var inscript = [2][4][]string{
	{ // unshifted
		{"ॊ", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-", "ृ"},
		{"ौ", "ै", "ा", "ी", "ू", "ब", "ह", "ग", "द", "ज", "ड", "़"},
		{"ो", "े", "्", "ि", "ु", "प", "र", "क", "त", "च", "ट"},
		{"ॆ", "ं", "म", "न", "व", "ल", "स", ",", ".", "य"},
	},
	{ // shifted
		{"ऒ", "ऍ", "ॅ", "्र", "र्", "ज्ञ", "त्र", "क्ष", "श्र", "(", ")", "ः", "ऋ"},
		{"औ", "ऐ", "आ", "ई", "ऊ", "भ", "ङ", "घ", "ध", "झ", "ढ", "ञ"},
		{"ओ", "ए", "अ", "इ", "उ", "फ", "ऱ", "ख", "थ", "छ", "ठ"},
		{"ऎ", "ँ", "ण", "", "", "ळ", "श", "ष", "।", "य़"},
	},
}

// qwerty is the Latin layout (capitals: references and names are typed
// in capitals on government forms).
var qwerty = [4][]string{
	{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"},
	{"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"},
	{"A", "S", "D", "F", "G", "H", "J", "K", "L", "-"},
	{"Z", "X", "C", "V", "B", "N", "M", ".", "/"},
}

// maxText bounds typed text: no service name is longer, and an endless
// string must not grow the screen.
const maxText = 40

// keyboardState is the typed text and the keyboard's mode.
type keyboardState struct {
	text  string
	hindi bool
	shift bool
}

// backspace removes the last code point.
func (k *keyboardState) backspace() {
	if k.text == "" {
		return
	}
	_, n := utf8.DecodeLastRuneInString(k.text)
	k.text = k.text[:len(k.text)-n]
}

// typeKey appends what a key gives; a shift applies to one key.
func (k *keyboardState) typeKey(s string) {
	if utf8.RuneCountInString(k.text)+utf8.RuneCountInString(s) <= maxText {
		k.text += s
	}
	k.shift = false
}

// keyboard draws kb, with extra tiles at the end of its bottom row; every
// change re-renders the screen.
func (a *app) keyboard(kb *keyboardState, extra ...fyne.CanvasObject) fyne.CanvasObject {
	key := func(s string) fyne.CanvasObject {
		if s == "" {
			return newTile("key.none", kt.Muted, kt.Ink, func() {}, " ")
		}
		return newTile("key."+s, kt.Primary, kt.White, func() { a.touched(); kb.typeKey(s); a.render() }, s).withSizes(26)
	}
	var rows []fyne.CanvasObject
	if kb.hindi {
		layer := 0
		if kb.shift {
			layer = 1
		}
		for _, r := range inscript[layer] {
			var keys []fyne.CanvasObject
			for _, s := range r {
				keys = append(keys, key(s))
			}
			rows = append(rows, container.NewGridWithColumns(13, keys...))
		}
	} else {
		for _, r := range qwerty {
			var keys []fyne.CanvasObject
			for _, s := range r {
				keys = append(keys, key(s))
			}
			rows = append(rows, container.NewGridWithColumns(10, keys...))
		}
	}
	shiftBg := kt.Accent
	if kb.shift {
		shiftBg = kt.OK
	}
	shift := newTile("kb.shift", shiftBg, kt.White, func() { a.touched(); kb.shift = !kb.shift; a.render() }, a.t("kb.shift")).
		withSizes(22).withNames(i18n.Both("kb.shift")...)
	other := "अ आ"
	if kb.hindi {
		other = "A B C"
	}
	mode := newTile("kb.mode", kt.Accent, kt.White, func() { a.touched(); kb.hindi, kb.shift = !kb.hindi, false; a.render() }, other).
		withSizes(22).withNames(other, "अ आ", "A B C")
	space := newTile("kb.space", kt.Primary, kt.White, func() { a.touched(); kb.typeKey(" "); a.render() }, a.t("kb.space")).
		withSizes(22).withNames(i18n.Both("kb.space")...)
	bksp := newTile("key.backspace", kt.Accent, kt.White, func() { a.touched(); kb.backspace(); a.render() },
		symBackspace+" "+a.t("ref.backspace")).withSizes(22).withNames(append(i18n.Both("ref.backspace"), "Backspace", symBackspace)...)
	bottom := []fyne.CanvasObject{mode, space, bksp}
	if kb.hindi {
		bottom = []fyne.CanvasObject{mode, shift, space, bksp}
	}
	bottom = append(bottom, extra...)
	rows = append(rows, container.NewGridWithColumns(len(bottom), bottom...))
	return container.NewGridWithRows(len(rows), rows...)
}
