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
// Recordings are 16 kHz mono, stored as appliance/speech encodes them (IMA
// ADPCM, then DEFLATE: 5.6:1 in all). The generator is cmd/genprompts.
//
// # Use
//
// The kiosk's speech.Speaker takes PromptFile as its Library; cmd/mitra
// looks up the prompt of the screen the UI shows:
//
//	sp := speech.New(player, func(lang, id string) ([]byte, error) {
//		return voice.PromptFile(i18n.Lang(lang), id)
//	}, cfg.Voice)
//	sp.Say("hi", voice.Screens["cash"].ID()) // the cash screen appeared
//
// This package holds text and recordings only: no audio code, no driver.
package voice
