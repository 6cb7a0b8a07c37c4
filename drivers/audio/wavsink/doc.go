// Package wavsink is an audio.Player with no hardware: it keeps every clip
// it is asked to play, and can write each one to a WAV file. Tests use it to
// check what the kiosk said and when it was interrupted; a headless kiosk
// uses it so that a support engineer can listen to what a citizen heard.
//
// With Opts.Realtime, Play takes as long as the clip lasts (on the test's
// clock under testing/synctest), so interruption behaves as on a speaker.
package wavsink
