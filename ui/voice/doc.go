// Package voice speaks an instruction for every citizen screen, in Hindi and
// English, for citizens who cannot read the screen well (or at all).
//
// The prompts are recordings made in advance by espeak-ng from the message
// catalogue (ui/i18n) and built into the binary: a kiosk has no network
// text-to-speech and a Pi is too slow to synthesise while drawing. The
// catalogue keys each prompt speaks are listed in Screens and Events;
// prompts/manifest.json records the catalogue text each recording was made
// from and the exact text espeak-ng was given (symbols spelt out: "₹10" as
// "10 rupees", "/" as "or"), and a test fails when the catalogue text has
// changed since (run `make voices`), or when a listed screen has no
// recording in a language.
//
// Recordings are 16 kHz mono, compressed 4:1 with IMA ADPCM
// (internal/adpcm) and then with DEFLATE, 5.6:1 in all. The generator is
// ./cmd/genprompts.
//
// # Use
//
//	sp := voice.New(player, cfg.Voice)      // player: alsa, malgo or wavsink
//	sp.SayScreen(lang, "cash")              // when a screen appears
//	sp.Say(lang, "problem.note-rejected")   // an event prompt, by ID
//	sp.Repeat()                             // the speaker button
//	level := sp.VolumeUp()                  // the + button; says the last prompt again
//
// Say never blocks the UI: the prompt plays on its own goroutine, and a new
// Say cuts the previous prompt short, as a citizen who taps on expects.
//
// This package imports drivers/audio for its Clip, Player and Volume types
// only: that package holds no hardware code, as image holds none for the
// display. Which Player (alsa, malgo, wavsink) is chosen in cmd/mitra, so ui
// still never links a driver.
package voice
