package alsa

import (
	"context"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// ioctls only the capture side of the loopback test uses.
var (
	ioctlStart        = ionone('A', 0x42)
	ioctlReadIFrames  = ior('A', 0x51, unsafe.Sizeof(xferi{}))
	loopbackPlayback  = "/dev/snd/pcmC2D0p"
	loopbackCapture   = "/dev/snd/pcmC2D1c"
	loopbackCaptureID = "Loopback"
)

func TestIoctlReadI(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) == 8 && ioctlReadIFrames != 0x80184151 {
		t.Errorf("SNDRV_PCM_IOCTL_READI_FRAMES = %#x, want 0x80184151", ioctlReadIFrames)
	}
}

// capture records from the loopback card's capture side at rate and
// channels until stop is closed.
func capture(t *testing.T, rate, channels uint32, stop <-chan struct{}) <-chan []int16 {
	f, err := os.OpenFile(loopbackCapture, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	k := fdKernel{f}
	p := newHWParams()
	p.mask(paramAccess).set(accessRWInterleaved)
	p.mask(paramFormat).set(formatS16LE)
	p.mask(paramSubformat).set(subformatStd)
	p.interval(paramChannels).set(channels)
	p.interval(paramRate).set(rate)
	p.interval(paramPeriodSize).set(256)
	p.interval(paramPeriods).set(8)
	if err := k.ioctl(ioctlHWParams, unsafe.Pointer(p)); err != nil {
		t.Fatalf("capture HW_PARAMS: %v", err)
	}
	sw := swParams{periodStep: 1, availMin: 256, startThreshold: 1 << 30, stopThreshold: 1 << 30, proto: protocolVersion}
	if err := k.ioctl(ioctlSWParams, unsafe.Pointer(&sw)); err != nil {
		t.Fatalf("capture SW_PARAMS: %v", err)
	}
	if err := k.ioctl(ioctlPrepare, nil); err != nil {
		t.Fatal(err)
	}
	if err := k.ioctl(ioctlStart, nil); err != nil {
		t.Fatalf("capture START: %v", err)
	}
	out := make(chan []int16, 1)
	go func() {
		defer f.Close()
		var got []int16
		buf := make([]int16, 256*channels)
		for {
			select {
			case <-stop:
				k.ioctl(ioctlDrop, nil)
				out <- got
				return
			default:
			}
			x := xferi{buf: unsafe.Pointer(&buf[0]), frames: 256}
			if err := k.ioctl(ioctlReadIFrames, unsafe.Pointer(&x)); err != nil {
				k.ioctl(ioctlPrepare, nil) // overrun: go on
				k.ioctl(ioctlStart, nil)
				continue
			}
			runtime.KeepAlive(buf)
			got = append(got, buf[:x.result*int(channels)]...)
		}
	}()
	return out
}

// TestRealLoopback plays through the snd-aloop card (in the VM of TestVM)
// and checks the captured samples: bit-exact for a mono 16 kHz clip when
// the card runs at 16 kHz mono, and equal to audio.Stereo(audio.Resample())
// when the capture side holds the card at 48 kHz stereo.
func TestRealLoopback(t *testing.T) {
	if os.Getenv("MITRA_ALSA_TEST") == "" {
		t.Skip("set MITRA_ALSA_TEST=1 to test on the ALSA devices")
	}
	if _, err := os.Stat(loopbackCapture); err != nil {
		t.Skip("no snd-aloop card 2 (TestVM loads one)")
	}
	clip := squareWave(16000, 300*time.Millisecond)
	for i := range clip.Samples { // a ramp on the square wave, so an offset or a swap shows
		clip.Samples[i] += int16(i % 1000)
	}
	for _, tt := range []struct {
		rate, channels uint32
		want           []int16
	}{
		{16000, 1, clip.Samples},
		{48000, 2, audio.Stereo(audio.Resample(clip, 48000).Samples)},
	} {
		stop := make(chan struct{})
		got := capture(t, tt.rate, tt.channels, stop)
		f, err := os.OpenFile(loopbackPlayback, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		d, err := New(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Play(context.Background(), clip); err != nil {
			t.Fatalf("Play() = %v", err)
		}
		setup := d.Setup()
		d.Close()
		time.Sleep(100 * time.Millisecond)
		close(stop)
		rec := <-got
		t.Logf("card at %d Hz × %d (driver setup %+v): captured %d samples", tt.rate, tt.channels, setup, len(rec))
		start := slices.IndexFunc(rec, func(s int16) bool { return s != 0 })
		// snd-aloop copies to the capture side as its timers tick; when
		// the capture timer lags the playback one, loopback_pos_update
		// (sound/drivers/aloop.c) moves the playback position on without
		// copying, so the last jiffies of a stream can be lost (0–192
		// frames here, varying run to run, then stale buffer contents).
		// The check stops one capture period before the end.
		n := len(tt.want) - 256*int(tt.channels)
		if start < 0 || len(rec)-start < n {
			t.Fatalf("captured %d samples, the clip starts at %d; want %d samples of clip", len(rec), start, n)
		}
		if i := firstDiff(rec[start:start+n], tt.want[:n]); i >= 0 {
			t.Errorf("captured sample %d = %d, played %d (of %d)", i, rec[start+i], tt.want[i], len(tt.want))
		}
		exact := firstDiff(rec[start:min(len(rec), start+len(tt.want))], tt.want)
		if exact < 0 {
			exact = len(tt.want)
		}
		t.Logf("the first %d of %d samples arrived bit-exact", exact, len(tt.want))
	}
}

func countZeros(s []int16) int {
	n := 0
	for n < len(s) && s[n] == 0 {
		n++
	}
	return n
}

func firstDiff(a, b []int16) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}
