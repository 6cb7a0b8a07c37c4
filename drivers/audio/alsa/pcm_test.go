package alsa

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// fakeCard is a kernel PCM device that takes what an HDA codec takes:
// stereo, 44.1 or 48 kHz, and counts what it is sent.
type fakeCard struct {
	mu         sync.Mutex
	channels   interval
	rate       interval
	calls      []uintptr
	frames     []int16 // interleaved frames written
	setup      hwParams
	sw         swParams
	underrunAt int  // the write that fails with EPIPE (1-based; 0: none)
	dead       bool // every write fails with EPIPE
	writes     int
	drainBlock chan struct{} // if set, DRAIN waits until DROP
}

func newFakeCard() *fakeCard {
	return &fakeCard{channels: interval{min: 2, max: 2}, rate: interval{min: 44100, max: 48000}}
}

func (c *fakeCard) ioctl(req uintptr, arg unsafe.Pointer) error {
	c.mu.Lock()
	c.calls = append(c.calls, req)
	c.mu.Unlock()
	switch req {
	case ioctlPVersion:
		*(*int32)(arg) = 2<<16 | 0<<8 | 15
	case ioctlHWRefine, ioctlHWParams:
		p := (*hwParams)(arg)
		if !p.mask(paramAccess).has(accessRWInterleaved) || !p.mask(paramFormat).has(formatS16LE) {
			return unix.EINVAL
		}
		for _, x := range []struct {
			param int
			card  interval
		}{{paramChannels, c.channels}, {paramRate, c.rate}, {paramPeriodSize, interval{min: 32, max: 8192}}, {paramPeriods, interval{min: 2, max: 16}}} {
			i := p.interval(x.param)
			i.min, i.max = max(i.min, x.card.min), min(i.max, x.card.max)
			if i.min > i.max {
				return unix.EINVAL
			}
		}
		if req == ioctlHWParams {
			// The kernel chooses the minimum of whatever is still a range.
			for _, param := range []int{paramChannels, paramRate, paramPeriodSize, paramPeriods} {
				p.interval(param).set(p.interval(param).min)
			}
			p.interval(paramBufferSize).set(p.interval(paramPeriodSize).min * p.interval(paramPeriods).min)
			c.setup = *p
		}
	case ioctlSWParams:
		c.sw = *(*swParams)(arg)
		if c.sw.availMin == 0 {
			return unix.EINVAL
		}
	case ioctlWriteIFrames:
		x := (*xferi)(arg)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.writes++
		if c.writes == c.underrunAt || c.dead {
			return unix.EPIPE
		}
		ch := int(c.setup.interval(paramChannels).min)
		c.frames = append(c.frames, unsafe.Slice((*int16)(x.buf), int(x.frames)*ch)...)
		x.result = int(x.frames)
	case ioctlDrain:
		c.mu.Lock()
		block := c.drainBlock
		c.mu.Unlock()
		if block != nil {
			<-block
		}
	case ioctlDrop:
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.drainBlock != nil {
			close(c.drainBlock)
			c.drainBlock = nil
		}
	case ioctlPrepare, ioctlHWFree:
	default:
		return unix.ENOTTY
	}
	return nil
}

func (c *fakeCard) close() error { return nil }

func (c *fakeCard) count(req uintptr) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.calls {
		if r == req {
			n++
		}
	}
	return n
}

func TestPlayConvertsForStereoCard(t *testing.T) {
	card := newFakeCard()
	d, err := newDev(card, &Opts{PeriodFrames: 256, Periods: 4})
	if err != nil {
		t.Fatal(err)
	}
	clip := audio.Clip{Rate: 16000, Samples: make([]int16, 1600)} // 100 ms
	for i := range clip.Samples {
		clip.Samples[i] = int16(i)
	}
	if err := d.Play(context.Background(), clip); err != nil {
		t.Fatalf("Play() = %v", err)
	}
	if got, want := card.setup.interval(paramRate).min, uint32(48000); got != want {
		t.Errorf("card rate = %d, want %d (first fallback above 16 kHz)", got, want)
	}
	if got, want := card.setup.interval(paramPeriodSize).min, uint32(256); got != want {
		t.Errorf("period = %d, want %d", got, want)
	}
	if got, want := len(card.frames), 2*4800; got != want {
		t.Errorf("wrote %d samples, want %d (100 ms of 48 kHz stereo)", got, want)
	}
	if card.frames[6] != 1 || card.frames[7] != 1 {
		t.Errorf("frame 3 = %v, want source sample 1 in both channels", card.frames[6:8])
	}
	if got, want := card.sw.startThreshold, uint(256); got != want {
		t.Errorf("start threshold = %d, want one period (%d)", got, want)
	}
	if got, want := card.sw.stopThreshold, uint(1024); got != want {
		t.Errorf("stop threshold = %d, want the buffer (%d)", got, want)
	}
	if card.count(ioctlDrain) != 1 {
		t.Errorf("DRAIN not called once")
	}
	// Same rate again: no new HW_PARAMS.
	d.Play(context.Background(), clip)
	if got := card.count(ioctlHWParams); got != 1 {
		t.Errorf("HW_PARAMS called %d times for two clips at one rate, want 1", got)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := d.Play(context.Background(), clip); err == nil {
		t.Errorf("Play() after Close() = nil")
	}
}

func TestPlayMonoCard(t *testing.T) {
	card := newFakeCard()
	card.channels = interval{min: 1, max: 2}
	card.rate = interval{min: 8000, max: 48000}
	d, _ := newDev(card, nil)
	clip := audio.Clip{Rate: 22050, Samples: []int16{1, 2, 3}}
	if err := d.Play(context.Background(), clip); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(card.frames, clip.Samples) {
		t.Errorf("card got %v, want the clip unchanged %v", card.frames, clip.Samples)
	}
}

func TestUnderrunRecovery(t *testing.T) {
	card := newFakeCard()
	card.underrunAt = 2
	d, _ := newDev(card, &Opts{PeriodFrames: 100})
	clip := audio.Clip{Rate: 48000, Samples: make([]int16, 480)}
	if err := d.Play(context.Background(), clip); err != nil {
		t.Fatalf("Play() with an underrun = %v", err)
	}
	if got, want := len(card.frames), 2*480; got != want {
		t.Errorf("wrote %d samples, want %d: the failed period must be written again", got, want)
	}
	if got, want := card.count(ioctlPrepare), 2; got != want {
		t.Errorf("PREPARE called %d times, want %d (start, and after the underrun)", got, want)
	}
	if got := d.Underruns(); got != 1 {
		t.Errorf("Underruns() = %d, want 1", got)
	}
}

func TestDeadCard(t *testing.T) {
	card := newFakeCard()
	card.dead = true
	d, _ := newDev(card, nil)
	err := d.Play(context.Background(), audio.Clip{Rate: 48000, Samples: make([]int16, 480)})
	if err == nil || !strings.Contains(err.Error(), "underruns in a row") {
		t.Errorf("Play() on a card that never plays = %v, want an error", err)
	}
}

func TestCancelDuringDrain(t *testing.T) {
	card := newFakeCard()
	card.drainBlock = make(chan struct{})
	d, _ := newDev(card, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Play(ctx, audio.Clip{Rate: 48000, Samples: make([]int16, 100)}) }()
	for card.count(ioctlDrain) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Play() = %v, want Canceled", err)
	}
	if card.count(ioctlDrop) != 1 {
		t.Errorf("DROP not called on cancel")
	}
}

func TestCancelledBeforeWrite(t *testing.T) {
	card := newFakeCard()
	d, _ := newDev(card, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Play(ctx, audio.Clip{Rate: 48000, Samples: make([]int16, 100)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Play(cancelled) = %v", err)
	}
	if len(card.frames) != 0 {
		t.Errorf("a cancelled Play wrote %d samples", len(card.frames))
	}
}

func TestRatesBelow(t *testing.T) {
	card := newFakeCard()
	card.rate = interval{min: 16000, max: 16000}
	d, _ := newDev(card, nil)
	if err := d.Play(context.Background(), audio.Clip{Rate: 22050, Samples: make([]int16, 2205)}); err != nil {
		t.Fatalf("Play(22050 Hz) on a 16 kHz-only card = %v", err)
	}
	if got, want := d.Setup().Rate, 16000; got != want {
		t.Errorf("Setup().Rate = %d, want %d", got, want)
	}
	card = newFakeCard()
	card.rate = interval{min: 4000, max: 4000}
	d, _ = newDev(card, nil)
	err := d.Play(context.Background(), audio.Clip{Rate: 16000, Samples: make([]int16, 10)})
	if err == nil || !strings.Contains(err.Error(), "4000–4000 Hz") {
		t.Errorf("Play() on a 4 kHz-only card = %v, want an error naming the card's range", err)
	}
}

func TestDevices(t *testing.T) {
	dir := t.TempDir()
	defer func(d, c string) { devSndDir, procCards = d, c }(devSndDir, procCards)
	devSndDir, procCards = filepath.Join(dir, "snd"), filepath.Join(dir, "cards")

	_, err := Devices()
	if !errors.Is(err, audio.ErrNoDevice) || !strings.Contains(err.Error(), "no ALSA playback device in") {
		t.Errorf("Devices() without /dev/snd = %v, want ErrNoDevice with a hint", err)
	}
	os.Mkdir(devSndDir, 0o755)
	for _, n := range []string{"controlC0", "pcmC1D0p", "pcmC0D3p", "pcmC0D0c", "pcmC0D0p", "timer", "seq"} {
		os.WriteFile(filepath.Join(devSndDir, n), nil, 0o644)
	}
	os.WriteFile(procCards, []byte(cardsSample), 0o644)
	devs, err := Devices()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range devs {
		got = append(got, filepath.Base(d.Path)+"="+d.Card.ID)
	}
	if want := []string{"pcmC0D0p=PCH", "pcmC0D3p=PCH", "pcmC1D0p=Device"}; !slices.Equal(got, want) {
		t.Errorf("Devices() = %v, want %v", got, want)
	}
	if got, want := devs[2].String(), "pcmC1D0p (card 1 \"USB Audio Device\", device 0)"; !strings.HasSuffix(got, want) {
		t.Errorf("String() = %q, want suffix %q", got, want)
	}
}

const cardsSample = ` 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 32
 1 [Device         ]: USB-Audio - USB Audio Device
                      C-Media Electronics Inc. USB Audio Device at usb-0000:00:14.0-2, full speed
`

func TestParseCards(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []Card
	}{
		{"--- no soundcards ---\n", nil},
		{cardsSample, []Card{
			{Number: 0, ID: "PCH", Driver: "HDA-Intel", Name: "HDA Intel PCH", LongName: "HDA Intel PCH at 0xf7f10000 irq 32"},
			{Number: 1, ID: "Device", Driver: "USB-Audio", Name: "USB Audio Device", LongName: "C-Media Electronics Inc. USB Audio Device at usb-0000:00:14.0-2, full speed"},
		}},
		// Raspberry Pi OS 64-bit, vc4 HDMI and the headphone jack.
		{" 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n                      bcm2835 Headphones\n 1 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n                      vc4-hdmi-0\n", []Card{
			{Number: 0, ID: "Headphones", Driver: "bcm2835_headpho", Name: "bcm2835 Headphones", LongName: "bcm2835 Headphones"},
			{Number: 1, ID: "vc4hdmi0", Driver: "vc4-hdmi", Name: "vc4-hdmi-0", LongName: "vc4-hdmi-0"},
		}},
	} {
		got, err := ParseCards(strings.NewReader(tt.in))
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseCards(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseCards(f *testing.F) {
	f.Add(cardsSample)
	f.Add("--- no soundcards ---\n")
	f.Add(" 9 []:  - \n  x\n")
	f.Fuzz(func(t *testing.T, in string) {
		cards, _ := ParseCards(strings.NewReader(in))
		for _, c := range cards {
			if c.Number < 0 {
				t.Fatalf("card number %d", c.Number)
			}
		}
	})
}

// TestRealDevice plays on every ALSA playback device of the machine, when
// it has one and MITRA_ALSA_TEST=1 (so a CI runner with a sound card stays
// quiet): a 200 ms tone at 16 and 22.05 kHz to the end, and a 2 s tone
// stopped after 100 ms. It passes against the kernel's snd-dummy cards
// (default model: mono 5.5–48 kHz; model=ac97: stereo 48 kHz only).
func TestRealDevice(t *testing.T) {
	if os.Getenv("MITRA_ALSA_TEST") == "" {
		t.Skip("set MITRA_ALSA_TEST=1 to play tones on the ALSA devices")
	}
	devs, err := Devices()
	if errors.Is(err, audio.ErrNoDevice) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, dev := range devs {
		t.Run(filepath.Base(dev.Path), func(t *testing.T) {
			t.Logf("device %v", dev)
			d, err := Open(dev, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for _, rate := range []int{16000, 22050} {
				c := squareWave(rate, 200*time.Millisecond)
				start := time.Now()
				if err := d.Play(context.Background(), c); err != nil {
					t.Fatalf("Play(%d Hz) = %v", rate, err)
				}
				took := time.Since(start)
				t.Logf("Play(200 ms at %d Hz) took %v; setup %+v, underruns %d", rate, took, d.Setup(), d.Underruns())
				if took < 180*time.Millisecond || took > 2*time.Second {
					t.Errorf("Play() of 200 ms took %v", took)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			if err := d.Play(ctx, squareWave(16000, 2*time.Second)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Play() cancelled = %v, want DeadlineExceeded", err)
			}
			took := time.Since(start)
			t.Logf("Play(2 s) cancelled after 100 ms returned after %v", took)
			if took > 500*time.Millisecond {
				t.Errorf("a cancelled Play() took %v to stop", took)
			}
			// The device plays again after a DROP.
			if err := d.Play(context.Background(), squareWave(16000, 50*time.Millisecond)); err != nil {
				t.Errorf("Play() after a cancel = %v", err)
			}
		})
	}
}

// squareWave is a 500 Hz square wave at a tenth of full scale.
func squareWave(rate int, d time.Duration) audio.Clip {
	c := audio.Clip{Rate: rate, Samples: make([]int16, int(d.Seconds()*float64(rate)))}
	for i := range c.Samples {
		if i*1000/rate%2 == 0 {
			c.Samples[i] = 3000
		} else {
			c.Samples[i] = -3000
		}
	}
	return c
}

// TestRealUnderrun checks on a real device (as TestRealDevice) what the
// underrun recovery in Play relies on: a buffer left to run dry makes the
// next WRITEI_FRAMES fail with EPIPE, and PREPARE makes writing work again.
func TestRealUnderrun(t *testing.T) {
	if os.Getenv("MITRA_ALSA_TEST") == "" {
		t.Skip("set MITRA_ALSA_TEST=1 to test on the ALSA devices")
	}
	devs, err := Devices()
	if err != nil {
		t.Skip(err)
	}
	d, err := Open(devs[0], &Opts{PeriodFrames: 256, Periods: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.configure(16000); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, d.period*d.channels)
	write := func() error {
		x := xferi{buf: unsafe.Pointer(&buf[0]), frames: uint(d.period)}
		return d.k.ioctl(ioctlWriteIFrames, unsafe.Pointer(&x))
	}
	if err := d.k.ioctl(ioctlPrepare, nil); err != nil {
		t.Fatal(err)
	}
	if err := write(); err != nil { // reaches the start threshold: playing
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // 512 frames at 16 kHz last 32 ms
	if err := write(); !errors.Is(err, unix.EPIPE) {
		t.Fatalf("WRITEI_FRAMES after the buffer ran dry = %v, want EPIPE", err)
	}
	if err := d.k.ioctl(ioctlPrepare, nil); err != nil {
		t.Fatalf("PREPARE after underrun = %v", err)
	}
	if err := write(); err != nil {
		t.Errorf("WRITEI_FRAMES after PREPARE = %v", err)
	}
	d.k.ioctl(ioctlDrop, nil)
}
