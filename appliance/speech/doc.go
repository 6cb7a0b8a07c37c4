// Package speech plays the kiosk's spoken prompts: one at a time, the
// newest cutting the previous one short, at a volume the citizen chooses,
// on whatever audio.Player the kiosk has (ALSA on the appliance, miniaudio
// on a desktop, a WAV sink in the simulator).
//
// The prompts themselves (what each screen says, and the recordings) are
// the UI's: ui/voice holds them and hands them to a Speaker through a
// Library, as the stored bytes. This package owns how they are stored:
// Encode and Decode (IMA ADPCM, package internal/adpcm, then DEFLATE; 5.6:1
// for speech at 16 kHz), so the codec sits beside its only player and its
// generator (cmd/genprompts) and ui/ links no audio code.
//
// # Use
//
//	sp := speech.New(player, library, cfg.Voice)
//	sp.Say("hi", "home.prompt")     // when a screen appears
//	sp.Repeat()                     // the speaker button
//	level := sp.VolumeUp()          // the + button; says the last prompt again
//
// Say never blocks the caller (the UI's event loop): the prompt is decoded
// and played on its own goroutine, and a new Say cuts the previous prompt
// short, as a citizen who taps on expects.
package speech
