package audio

import (
	"context"
	"errors"
	"time"
)

// Clip is mono signed 16-bit PCM.
type Clip struct {
	// Rate is the sample rate in Hz.
	Rate int
	// Samples are the PCM samples, one per frame.
	Samples []int16
}

// Duration is how long the clip plays.
func (c Clip) Duration() time.Duration {
	if c.Rate <= 0 {
		return 0
	}
	return time.Duration(len(c.Samples)) * time.Second / time.Duration(c.Rate)
}

// Player plays clips.
type Player interface {
	// Play plays c and returns when it has been heard to the end, or as soon
	// as ctx is done; then the sound stops at once and Play returns
	// ctx.Err(). Play is not safe for concurrent use: a caller that wants
	// to interrupt a clip cancels its context and waits for Play to return
	// before starting the next one.
	Play(ctx context.Context, c Clip) error
	// Close releases the device.
	Close() error
}

// ErrNoDevice is returned by backends when the machine has no audio output;
// callers branch on it to run silently rather than fail.
var ErrNoDevice = errors.New("audio: no playback device")

// ErrBadClip is returned for a clip a backend cannot play (no rate).
var ErrBadClip = errors.New("audio: clip has no sample rate")

// Validate reports ErrBadClip for a clip without a positive rate.
func (c Clip) Validate() error {
	if c.Rate <= 0 {
		return ErrBadClip
	}
	return nil
}
