package alsa

import "unsafe"

// ioctl request encoding, include/uapi/asm-generic/ioctl.h: 8 bits number,
// 8 bits type, 14 bits size, 2 bits direction (amd64 and arm64 alike).
const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2

	iocNRShift   = 0
	iocTypeShift = 8
	iocSizeShift = 16
	iocDirShift  = 30
)

func ioc(dir, typ, nr, size uintptr) uintptr {
	return dir<<iocDirShift | typ<<iocTypeShift | nr<<iocNRShift | size<<iocSizeShift
}

func ionone(typ, nr uintptr) uintptr     { return ioc(iocNone, typ, nr, 0) }
func ior(typ, nr, size uintptr) uintptr  { return ioc(iocRead, typ, nr, size) }
func iow(typ, nr, size uintptr) uintptr  { return ioc(iocWrite, typ, nr, size) }
func iowr(typ, nr, size uintptr) uintptr { return ioc(iocRead|iocWrite, typ, nr, size) }

// The PCM ioctls this driver uses ('A' is the PCM ioctl type).
var (
	ioctlPVersion     = ior('A', 0x00, unsafe.Sizeof(int32(0)))
	ioctlHWRefine     = iowr('A', 0x10, unsafe.Sizeof(hwParams{}))
	ioctlHWParams     = iowr('A', 0x11, unsafe.Sizeof(hwParams{}))
	ioctlHWFree       = ionone('A', 0x12)
	ioctlSWParams     = iowr('A', 0x13, unsafe.Sizeof(swParams{}))
	ioctlPrepare      = ionone('A', 0x40)
	ioctlDrop         = ionone('A', 0x43)
	ioctlDrain        = ionone('A', 0x44)
	ioctlWriteIFrames = iow('A', 0x50, unsafe.Sizeof(xferi{}))
)

// protocolMajor is the PCM protocol major version this driver speaks
// (SNDRV_PCM_VERSION is 2.0.x); a kernel with another major is refused.
const protocolMajor = 2

// protocolVersion is written to snd_pcm_sw_params.proto: 2.0.15, the
// version of the header the layouts were taken from.
const protocolVersion = 2<<16 | 0<<8 | 15

// Hardware parameter numbers (SNDRV_PCM_HW_PARAM_*). The first three are
// masks, the rest intervals.
const (
	paramAccess      = 0
	paramFormat      = 1
	paramSubformat   = 2
	firstMask        = paramAccess
	lastMask         = paramSubformat
	paramSampleBits  = 8
	paramFrameBits   = 9
	paramChannels    = 10
	paramRate        = 11
	paramPeriodTime  = 12
	paramPeriodSize  = 13
	paramPeriodBytes = 14
	paramPeriods     = 15
	paramBufferTime  = 16
	paramBufferSize  = 17
	paramBufferBytes = 18
	paramTickTime    = 19
	firstInterval    = paramSampleBits
	lastInterval     = paramTickTime
)

// Values for the masks.
const (
	accessRWInterleaved = 3 // SNDRV_PCM_ACCESS_RW_INTERLEAVED
	formatS16LE         = 2 // SNDRV_PCM_FORMAT_S16_LE
	subformatStd        = 0 // SNDRV_PCM_SUBFORMAT_STD
)

// mask is struct snd_mask: a bit set of SNDRV_MASK_MAX (256) values.
type mask struct {
	bits [256 / 32]uint32
}

// set makes m the single value v.
func (m *mask) set(v uint) {
	*m = mask{}
	m.bits[v>>5] = 1 << (v & 31)
}

func (m *mask) has(v uint) bool { return m.bits[v>>5]&(1<<(v&31)) != 0 }

func (m *mask) fill() {
	for i := range m.bits {
		m.bits[i] = ^uint32(0)
	}
}

// Flag bits of snd_interval: the C bit-fields openmin:1, openmax:1,
// integer:1, empty:1, allocated from bit 0 on little-endian amd64 and
// arm64.
const (
	intervalOpenMin = 1 << 0
	intervalOpenMax = 1 << 1
	intervalInteger = 1 << 2
	intervalEmpty   = 1 << 3
)

// interval is struct snd_interval: a range of values.
type interval struct {
	min, max uint32
	flags    uint32
}

// set makes i the single integer v.
func (i *interval) set(v uint32) { *i = interval{min: v, max: v, flags: intervalInteger} }

// contains reports whether v lies in i, open ends excluded.
func (i *interval) contains(v uint32) bool {
	if i.flags&intervalEmpty != 0 {
		return false
	}
	lo, hi := i.min, i.max
	if i.flags&intervalOpenMin != 0 {
		lo++
	}
	if i.flags&intervalOpenMax != 0 && hi > 0 {
		hi--
	}
	return lo <= v && v <= hi
}

// clamp returns v limited to i (closed bounds).
func (i *interval) clamp(v uint32) uint32 { return max(i.min, min(i.max, v)) }

// hwParams is struct snd_pcm_hw_params. The C unsigned long of fifo_size is
// Go's uint on Linux (64 bits on amd64 and arm64), so the field offsets and
// the 608-byte size match without explicit padding.
type hwParams struct {
	flags     uint32
	masks     [lastMask - firstMask + 1]mask
	mres      [5]mask // reserved masks
	intervals [lastInterval - firstInterval + 1]interval
	ires      [9]interval // reserved intervals
	rmask     uint32      // W: requested masks
	cmask     uint32      // R: changed masks
	info      uint32      // R: info flags for the returned setup
	msbits    uint32
	rateNum   uint32
	rateDen   uint32
	fifoSize  uint
	reserved  [64]byte
}

// newHWParams returns parameters that allow everything, the starting point
// of a refinement (as snd_pcm_hw_params_any).
func newHWParams() *hwParams {
	p := &hwParams{rmask: ^uint32(0), info: ^uint32(0)}
	for i := range p.masks {
		p.masks[i].fill()
	}
	for i := range p.intervals {
		p.intervals[i] = interval{max: ^uint32(0)}
	}
	return p
}

func (p *hwParams) mask(param int) *mask         { return &p.masks[param-firstMask] }
func (p *hwParams) interval(param int) *interval { return &p.intervals[param-firstInterval] }

// swParams is struct snd_pcm_sw_params; snd_pcm_uframes_t is unsigned long.
type swParams struct {
	tstampMode       int32
	periodStep       uint32
	sleepMin         uint32
	availMin         uint // min avail frames for wakeup
	xferAlign        uint // obsolete
	startThreshold   uint // min hw_avail frames for automatic start
	stopThreshold    uint // min avail frames for automatic stop
	silenceThreshold uint
	silenceSize      uint
	boundary         uint // R: pointers wrap point
	proto            uint32
	tstampType       uint32
	reserved         [56]byte
}

// xferi is struct snd_xferi: result is snd_pcm_sframes_t (long), buf a
// pointer, frames snd_pcm_uframes_t. buf is an unsafe.Pointer so the
// garbage collector sees the buffer as referenced during the ioctl.
type xferi struct {
	result int
	buf    unsafe.Pointer
	frames uint
}
