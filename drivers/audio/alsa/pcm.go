package alsa

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// Opts are the buffer settings. The zero value means DefaultOpts.
type Opts struct {
	// PeriodFrames is the number of frames the card plays between wake-ups.
	PeriodFrames int
	// Periods is the number of periods in the ring buffer.
	Periods int
}

// DefaultOpts give a buffer of about 85 ms at 48 kHz: short enough that a
// cancelled prompt stops at once, long enough that a Pi drawing a screen
// does not underrun.
var DefaultOpts = Opts{PeriodFrames: 1024, Periods: 4}

// fallbackRates are tried, in order, when a card refuses the clip's rate.
var fallbackRates = []uint32{48000, 44100, 32000, 16000}

// maxStalls is how many writes in a row may fail to move any frame
// (underrun after underrun) before Play gives up on the card.
const maxStalls = 50

// minRate is the lowest rate speech stays intelligible at (telephone band).
const minRate = 8000

// kernel is the ioctl surface of an open PCM device; tests put a fake card
// behind it.
type kernel interface {
	ioctl(req uintptr, arg unsafe.Pointer) error
	close() error
}

// fdKernel is a PCM device file.
type fdKernel struct{ f *os.File }

func (k fdKernel) ioctl(req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, k.f.Fd(), req, uintptr(arg))
		if e == unix.EINTR {
			continue
		}
		runtime.KeepAlive(arg)
		if e != 0 {
			return e
		}
		return nil
	}
}

func (k fdKernel) close() error { return k.f.Close() }

// Dev is an open PCM playback device.
type Dev struct {
	k    kernel
	opts Opts

	mu sync.Mutex // serialises Play and Close
	// The configuration the card accepted; rate 0 means none yet.
	rate, channels, period int
	clipRate               uint32 // the clip rate the setup was made for
	underruns              int
}

var _ audio.Player = (*Dev)(nil)

// New returns a handle to the PCM playback device open as f (opened
// read-write, e.g. /dev/snd/pcmC0D0p). The Dev owns f: Close closes it.
// opts may be nil for DefaultOpts.
func New(f *os.File, opts *Opts) (*Dev, error) {
	d, err := newDev(fdKernel{f}, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

func newDev(k kernel, opts *Opts) (*Dev, error) {
	d := &Dev{k: k, opts: DefaultOpts}
	if opts != nil {
		if opts.PeriodFrames > 0 {
			d.opts.PeriodFrames = opts.PeriodFrames
		}
		if opts.Periods > 1 {
			d.opts.Periods = opts.Periods
		}
	}
	var v int32
	if err := k.ioctl(ioctlPVersion, unsafe.Pointer(&v)); err != nil {
		return nil, fmt.Errorf("alsa: PVERSION: %w (is this a PCM device?)", err)
	}
	if v>>16 != protocolMajor {
		return nil, fmt.Errorf("alsa: kernel PCM protocol %d.%d.%d, want %d.x", v>>16, v>>8&0xff, v&0xff, protocolMajor)
	}
	return d, nil
}

// Open opens the playback device d.Path.
func Open(d Device, opts *Opts) (*Dev, error) {
	f, err := os.OpenFile(d.Path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("alsa: %w", err)
	}
	return New(f, opts)
}

// OpenDefault opens the first playback device of the first card, the one
// a kiosk has (a USB speaker or the Pi's headphone/HDMI output). It returns
// an error wrapping audio.ErrNoDevice when there is none.
func OpenDefault(opts *Opts) (*Dev, error) {
	devs, err := Devices()
	if err != nil {
		return nil, err
	}
	return Open(devs[0], opts)
}

// Setup is the configuration the card accepted for the last clip: the
// rate and channel count it plays (clips are converted to them) and the
// period in frames. It is zero before the first Play.
type Setup struct {
	Rate, Channels, PeriodFrames int
}

// Setup returns the card's configuration, for the technician's diagnostics.
func (d *Dev) Setup() Setup {
	d.mu.Lock()
	defer d.mu.Unlock()
	return Setup{Rate: d.rate, Channels: d.channels, PeriodFrames: d.period}
}

// Underruns counts the buffer underruns recovered since Open; the
// technician's diagnostics show it.
func (d *Dev) Underruns() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.underruns
}

// Play implements audio.Player.
func (d *Dev) Play(ctx context.Context, c audio.Clip) error {
	if err := c.Validate(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.k == nil {
		return errors.New("alsa: closed")
	}
	if err := d.configure(uint32(c.Rate)); err != nil {
		return err
	}
	frames := audio.Resample(c, d.rate).Samples
	buf := frames
	if d.channels == 2 {
		buf = audio.Stereo(frames)
	}
	if err := d.k.ioctl(ioctlPrepare, nil); err != nil {
		return fmt.Errorf("alsa: PREPARE: %w", err)
	}
	stalls := 0 // writes in a row that moved nothing
	for off := 0; off < len(frames); {
		if err := ctx.Err(); err != nil {
			d.k.ioctl(ioctlDrop, nil)
			return err
		}
		if stalls > maxStalls {
			d.k.ioctl(ioctlDrop, nil)
			return fmt.Errorf("alsa: WRITEI_FRAMES: %d underruns in a row, the card does not play", stalls)
		}
		n := min(d.period, len(frames)-off)
		x := xferi{buf: unsafe.Pointer(&buf[off*d.channels]), frames: uint(n)}
		err := d.k.ioctl(ioctlWriteIFrames, unsafe.Pointer(&x))
		runtime.KeepAlive(buf)
		switch {
		case errors.Is(err, unix.EPIPE), errors.Is(err, unix.ESTRPIPE):
			// Underrun (or resume after suspend): the card stopped
			// with the buffer empty. PREPARE and write on; the
			// listener hears a short gap, not a lost prompt.
			d.underruns++
			stalls++
			if err := d.k.ioctl(ioctlPrepare, nil); err != nil {
				return fmt.Errorf("alsa: PREPARE after underrun: %w", err)
			}
			continue
		case errors.Is(err, unix.EAGAIN):
			// Only a non-blocking descriptor says this (os.File.Fd
			// makes ours blocking); wait rather than spin.
			stalls++
			time.Sleep(time.Millisecond)
			continue
		case err != nil:
			d.k.ioctl(ioctlDrop, nil)
			return fmt.Errorf("alsa: WRITEI_FRAMES: %w", err)
		}
		if x.result <= 0 {
			d.k.ioctl(ioctlDrop, nil)
			return fmt.Errorf("alsa: WRITEI_FRAMES wrote %d frames", x.result)
		}
		off += x.result
		stalls = 0
	}
	return d.drain(ctx)
}

// drain waits for the buffered frames to play. DRAIN blocks in the kernel,
// so it runs on its own goroutine and a cancel DROPs, which wakes it.
func (d *Dev) drain(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- d.k.ioctl(ioctlDrain, nil) }()
	select {
	case err := <-done:
		// EPIPE: the buffer ran dry while draining, i.e. it all played.
		if err != nil && !errors.Is(err, unix.EPIPE) {
			return fmt.Errorf("alsa: DRAIN: %w", err)
		}
		return nil
	case <-ctx.Done():
		d.k.ioctl(ioctlDrop, nil)
		<-done
		return ctx.Err()
	}
}

// configure sets the hardware and software parameters for clips at rate,
// unless the card is already set up for them.
func (d *Dev) configure(rate uint32) error {
	if d.rate != 0 && d.clipRate == rate {
		return nil
	}
	if d.rate != 0 {
		d.k.ioctl(ioctlHWFree, nil)
		d.rate = 0
	}
	// Refine with only the access and format fixed, to learn which channel
	// counts and rates the card takes.
	p := newHWParams()
	p.mask(paramAccess).set(accessRWInterleaved)
	p.mask(paramFormat).set(formatS16LE)
	p.mask(paramSubformat).set(subformatStd)
	if err := d.k.ioctl(ioctlHWRefine, unsafe.Pointer(p)); err != nil {
		return fmt.Errorf("alsa: HW_REFINE: the card takes no interleaved S16_LE: %w", err)
	}
	channels := uint32(1)
	if !p.interval(paramChannels).contains(1) {
		channels = 2
		if !p.interval(paramChannels).contains(2) {
			return fmt.Errorf("alsa: the card takes %d–%d channels, not mono or stereo", p.interval(paramChannels).min, p.interval(paramChannels).max)
		}
	}
	cardRate := rate
	if !p.interval(paramRate).contains(rate) {
		cardRate = 0
		for _, r := range fallbackRates {
			if r > rate && p.interval(paramRate).contains(r) {
				cardRate = r
				break
			}
		}
		if cardRate == 0 {
			// Nothing higher: the nearest rate the card has. Linear
			// downsampling aliases a little, which beats silence.
			// (snd-aloop holds a card at the rate its other end runs.)
			cardRate = p.interval(paramRate).clamp(rate)
			if !p.interval(paramRate).contains(cardRate) || cardRate < minRate {
				return fmt.Errorf("alsa: the card plays %d–%d Hz, none of it usable for a %d Hz clip", p.interval(paramRate).min, p.interval(paramRate).max, rate)
			}
		}
	}
	p.mask(paramAccess).set(accessRWInterleaved)
	p.interval(paramChannels).set(channels)
	p.interval(paramRate).set(cardRate)
	p.interval(paramSampleBits).set(16)
	p.interval(paramFrameBits).set(16 * channels)
	period := p.interval(paramPeriodSize).clamp(uint32(d.opts.PeriodFrames))
	periods := p.interval(paramPeriods).clamp(uint32(d.opts.Periods))
	exact := *p
	exact.interval(paramPeriodSize).set(period)
	exact.interval(paramPeriods).set(periods)
	exact.rmask = ^uint32(0)
	if err := d.k.ioctl(ioctlHWParams, unsafe.Pointer(&exact)); err != nil {
		// The card wants other period sizes than the clamped ones (some
		// take powers of two only): let the kernel choose.
		p.rmask = ^uint32(0)
		if err := d.k.ioctl(ioctlHWParams, unsafe.Pointer(p)); err != nil {
			return fmt.Errorf("alsa: HW_PARAMS %d Hz, %d channels: %w", cardRate, channels, err)
		}
		exact = *p
	}
	gotPeriod := exact.interval(paramPeriodSize).min
	buffer := exact.interval(paramBufferSize).min
	if gotPeriod == 0 || buffer < gotPeriod {
		return fmt.Errorf("alsa: HW_PARAMS: card chose period %d, buffer %d frames", gotPeriod, buffer)
	}
	sw := swParams{
		periodStep:     1,
		availMin:       uint(gotPeriod),
		startThreshold: uint(gotPeriod), // start as soon as one period is queued
		stopThreshold:  uint(buffer),    // stop (underrun) only when the buffer is empty
		proto:          protocolVersion,
	}
	if err := d.k.ioctl(ioctlSWParams, unsafe.Pointer(&sw)); err != nil {
		return fmt.Errorf("alsa: SW_PARAMS: %w", err)
	}
	d.rate, d.channels, d.period = int(cardRate), int(channels), int(gotPeriod)
	d.clipRate = rate
	return nil
}

// Close implements audio.Player. It stops any sound and closes the device.
func (d *Dev) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.k == nil {
		return nil
	}
	d.k.ioctl(ioctlDrop, nil)
	err := d.k.close()
	d.k = nil
	return err
}
