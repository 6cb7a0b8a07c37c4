package alsa

import (
	"testing"
	"unsafe"
)

// The expected values were printed by a C program including
// <sound/asound.h> (linux-libc-dev 6.1) on amd64; arm64 uses the same
// generic ioctl encoding and LP64 layout.

func TestLayout(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("layouts checked on 64-bit targets (amd64, arm64)")
	}
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(snd_pcm_hw_params)", unsafe.Sizeof(hwParams{}), 608},
		{"sizeof(snd_pcm_sw_params)", unsafe.Sizeof(swParams{}), 136},
		{"sizeof(snd_xferi)", unsafe.Sizeof(xferi{}), 24},
		{"sizeof(snd_mask)", unsafe.Sizeof(mask{}), 32},
		{"sizeof(snd_interval)", unsafe.Sizeof(interval{}), 12},
		{"offsetof(hw_params.masks)", unsafe.Offsetof(hwParams{}.masks), 4},
		{"offsetof(hw_params.mres)", unsafe.Offsetof(hwParams{}.mres), 100},
		{"offsetof(hw_params.intervals)", unsafe.Offsetof(hwParams{}.intervals), 260},
		{"offsetof(hw_params.ires)", unsafe.Offsetof(hwParams{}.ires), 404},
		{"offsetof(hw_params.rmask)", unsafe.Offsetof(hwParams{}.rmask), 512},
		{"offsetof(hw_params.cmask)", unsafe.Offsetof(hwParams{}.cmask), 516},
		{"offsetof(hw_params.info)", unsafe.Offsetof(hwParams{}.info), 520},
		{"offsetof(hw_params.msbits)", unsafe.Offsetof(hwParams{}.msbits), 524},
		{"offsetof(hw_params.rate_num)", unsafe.Offsetof(hwParams{}.rateNum), 528},
		{"offsetof(hw_params.rate_den)", unsafe.Offsetof(hwParams{}.rateDen), 532},
		{"offsetof(hw_params.fifo_size)", unsafe.Offsetof(hwParams{}.fifoSize), 536},
		{"offsetof(sw_params.period_step)", unsafe.Offsetof(swParams{}.periodStep), 4},
		{"offsetof(sw_params.sleep_min)", unsafe.Offsetof(swParams{}.sleepMin), 8},
		{"offsetof(sw_params.avail_min)", unsafe.Offsetof(swParams{}.availMin), 16},
		{"offsetof(sw_params.xfer_align)", unsafe.Offsetof(swParams{}.xferAlign), 24},
		{"offsetof(sw_params.start_threshold)", unsafe.Offsetof(swParams{}.startThreshold), 32},
		{"offsetof(sw_params.stop_threshold)", unsafe.Offsetof(swParams{}.stopThreshold), 40},
		{"offsetof(sw_params.silence_threshold)", unsafe.Offsetof(swParams{}.silenceThreshold), 48},
		{"offsetof(sw_params.silence_size)", unsafe.Offsetof(swParams{}.silenceSize), 56},
		{"offsetof(sw_params.boundary)", unsafe.Offsetof(swParams{}.boundary), 64},
		{"offsetof(sw_params.proto)", unsafe.Offsetof(swParams{}.proto), 72},
		{"offsetof(sw_params.tstamp_type)", unsafe.Offsetof(swParams{}.tstampType), 76},
		{"offsetof(xferi.buf)", unsafe.Offsetof(xferi{}.buf), 8},
		{"offsetof(xferi.frames)", unsafe.Offsetof(xferi{}.frames), 16},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestIoctlNumbers(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("numbers checked on 64-bit targets (amd64, arm64)")
	}
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"SNDRV_PCM_IOCTL_PVERSION", ioctlPVersion, 0x80044100},
		{"SNDRV_PCM_IOCTL_HW_REFINE", ioctlHWRefine, 0xc2604110},
		{"SNDRV_PCM_IOCTL_HW_PARAMS", ioctlHWParams, 0xc2604111},
		{"SNDRV_PCM_IOCTL_HW_FREE", ioctlHWFree, 0x4112},
		{"SNDRV_PCM_IOCTL_SW_PARAMS", ioctlSWParams, 0xc0884113},
		{"SNDRV_PCM_IOCTL_PREPARE", ioctlPrepare, 0x4140},
		{"SNDRV_PCM_IOCTL_DROP", ioctlDrop, 0x4143},
		{"SNDRV_PCM_IOCTL_DRAIN", ioctlDrain, 0x4144},
		{"SNDRV_PCM_IOCTL_WRITEI_FRAMES", ioctlWriteIFrames, 0x40184150},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

func TestParamNumbers(t *testing.T) {
	// SNDRV_PCM_HW_PARAM_* from the header; the intervals array is indexed
	// from SAMPLE_BITS, so a wrong number shifts every interval.
	for _, tt := range []struct {
		name      string
		got, want int
	}{
		{"ACCESS", paramAccess, 0}, {"FORMAT", paramFormat, 1}, {"SUBFORMAT", paramSubformat, 2},
		{"SAMPLE_BITS", paramSampleBits, 8}, {"FRAME_BITS", paramFrameBits, 9}, {"CHANNELS", paramChannels, 10},
		{"RATE", paramRate, 11}, {"PERIOD_SIZE", paramPeriodSize, 13}, {"PERIODS", paramPeriods, 15},
		{"BUFFER_SIZE", paramBufferSize, 17}, {"TICK_TIME", paramTickTime, 19},
		{"ACCESS_RW_INTERLEAVED", accessRWInterleaved, 3}, {"FORMAT_S16_LE", formatS16LE, 2},
	} {
		if tt.got != tt.want {
			t.Errorf("SNDRV_PCM_HW_PARAM_%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestMaskEncoding(t *testing.T) {
	p := newHWParams()
	p.mask(paramFormat).set(formatS16LE)
	p.mask(paramAccess).set(accessRWInterleaved)
	b := (*[608]byte)(unsafe.Pointer(p))
	// FORMAT is the second mask: bytes 36..67; S16_LE (2) is bit 2 of its
	// first little-endian word.
	if got, want := b[36], byte(1<<2); got != want {
		t.Errorf("FORMAT mask byte 0 = %#x, want %#x", got, want)
	}
	for i := 37; i < 68; i++ {
		if b[i] != 0 {
			t.Fatalf("FORMAT mask byte %d = %#x, want 0", i-36, b[i])
		}
	}
	if got, want := b[4], byte(1<<3); got != want {
		t.Errorf("ACCESS mask byte 0 = %#x, want %#x", got, want)
	}
	// SUBFORMAT still allows everything.
	if b[68] != 0xff || b[99] != 0xff {
		t.Errorf("SUBFORMAT mask = %x…%x, want all ones", b[68], b[99])
	}
	var m mask
	m.set(200)
	if !m.has(200) || m.has(199) || m.bits[6] != 1<<8 {
		t.Errorf("mask.set(200) = %v", m.bits)
	}
}

func TestIntervalEncoding(t *testing.T) {
	p := newHWParams()
	p.interval(paramRate).set(48000)
	b := (*[608]byte)(unsafe.Pointer(p))
	// RATE is interval 11-8 = 3: 260 + 3·12 = 296.
	off := 296
	le := func(i int) uint32 {
		return uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24
	}
	if got := le(off); got != 48000 {
		t.Errorf("RATE.min = %d, want 48000", got)
	}
	if got := le(off + 4); got != 48000 {
		t.Errorf("RATE.max = %d, want 48000", got)
	}
	if got := le(off + 8); got != 1<<2 {
		t.Errorf("RATE flags = %#x, want integer (bit 2)", got)
	}
	// CHANNELS, just before, is untouched: [0, UINT_MAX].
	if le(off-12) != 0 || le(off-8) != 0xffffffff {
		t.Errorf("CHANNELS = [%d, %d], want [0, 4294967295]", le(off-12), le(off-8))
	}
	for _, tt := range []struct {
		i    interval
		v    uint32
		want bool
	}{
		{interval{min: 1, max: 2}, 1, true},
		{interval{min: 1, max: 2, flags: intervalOpenMin}, 1, false},
		{interval{min: 1, max: 2, flags: intervalOpenMax}, 2, false},
		{interval{min: 1, max: 2, flags: intervalEmpty}, 1, false},
		{interval{min: 8000, max: 48000}, 96000, false},
	} {
		if got := tt.i.contains(tt.v); got != tt.want {
			t.Errorf("%+v.contains(%d) = %v, want %v", tt.i, tt.v, got, tt.want)
		}
	}
}
