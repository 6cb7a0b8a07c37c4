//go:build cgo

package malgo

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/gen2brain/malgo"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// Player plays clips on the default output device of the desktop.
type Player struct {
	mu  sync.Mutex // serialises Play and Close
	ctx *malgo.AllocatedContext
}

var _ audio.Player = (*Player)(nil)

// New returns a Player on the first of backends that works; nil means
// miniaudio's default order for the platform. (The tests use miniaudio's
// null backend, which plays into nothing in real time; see nullBackend.)
func New(backends []malgo.Backend) (*Player, error) {
	c, err := malgo.InitContext(backends, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, fmt.Errorf("malgo: %w: %w", audio.ErrNoDevice, err)
	}
	return &Player{ctx: c}, nil
}

// feed hands a clip to miniaudio's data callback, which runs on a device
// thread.
type feed struct {
	mu      sync.Mutex
	samples []int16
	pos     int
	// done closes on the first callback after the last sample was handed
	// over: by then the device has consumed the buffer holding it.
	done   chan struct{}
	closed bool
}

func (f *feed) fill(out []byte, frames uint32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := min(int(frames), len(f.samples)-f.pos, len(out)/2)
	for i := range n {
		binary.LittleEndian.PutUint16(out[2*i:], uint16(f.samples[f.pos+i]))
	}
	clear(out[2*n:])
	if n == 0 && !f.closed {
		f.closed = true
		close(f.done)
	}
	f.pos += n
}

// Play implements audio.Player.
func (p *Player) Play(ctx context.Context, c audio.Clip) error {
	if err := c.Validate(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx == nil {
		return errors.New("malgo: closed")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f := &feed{samples: c.Samples, done: make(chan struct{})}
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = 1
	cfg.SampleRate = uint32(c.Rate) // miniaudio converts to the device's rate
	dev, err := malgo.InitDevice(p.ctx.Context, cfg, malgo.DeviceCallbacks{
		Data: func(out, _ []byte, frames uint32) { f.fill(out, frames) },
	})
	if err != nil {
		return fmt.Errorf("malgo: %w: %w", audio.ErrNoDevice, err)
	}
	defer dev.Uninit()
	if err := dev.Start(); err != nil {
		return fmt.Errorf("malgo: start: %w", err)
	}
	select {
	case <-f.done:
		return dev.Stop()
	case <-ctx.Done():
		dev.Stop()
		return ctx.Err()
	}
}

// Close implements audio.Player.
func (p *Player) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx == nil {
		return nil
	}
	err := p.ctx.Uninit()
	p.ctx.Free()
	p.ctx = nil
	return err
}
