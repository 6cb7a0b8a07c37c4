package evdev

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Event types and codes (include/uapi/linux/input-event-codes.h).
const (
	evSyn = 0x00
	evKey = 0x01
	evRel = 0x02
	evAbs = 0x03
	evCnt = 0x20 // EV_MAX+1

	synReport  = 0
	synDropped = 3

	btnLeft  = 0x110
	btnTouch = 0x14a

	absX             = 0x00
	absY             = 0x01
	absMTSlot        = 0x2f
	absMTPositionX   = 0x35
	absMTPositionY   = 0x36
	absMTTrackingID  = 0x39
	absCnt           = 0x40
	absInfoSize      = 24 // struct input_absinfo: six __s32
	iocWrite         = 1
	iocRead          = 2
	evdevIoctlLetter = 'E'
)

// timevalSize is the size of struct timeval in struct input_event:
// two longs (__kernel_ulong_t on 32-bit targets).
const timevalSize = 2 * int(unsafe.Sizeof(uint(0)))

// EventSize is the size of struct input_event on the target: 24 bytes on
// 64-bit, 16 on 32-bit.
const EventSize = timevalSize + 8

// InputEvent is one decoded struct input_event (time omitted).
type InputEvent struct {
	Type  uint16
	Code  uint16
	Value int32
}

// ParseEvents decodes whole struct input_event records from b, which must
// be a multiple of size bytes (EventSize for the running kernel; the
// parameter lets tests decode recordings from the other word size).
func ParseEvents(b []byte, size int) ([]InputEvent, error) {
	if size != 16 && size != 24 {
		return nil, fmt.Errorf("evdev: event size %d: want 16 or 24", size)
	}
	if len(b)%size != 0 {
		return nil, fmt.Errorf("evdev: %d bytes is not a whole number of %d-byte events", len(b), size)
	}
	evs := make([]InputEvent, 0, len(b)/size)
	for off := 0; off < len(b); off += size {
		r := b[off+size-8 : off+size]
		evs = append(evs, InputEvent{
			Type:  binary.LittleEndian.Uint16(r[0:2]),
			Code:  binary.LittleEndian.Uint16(r[2:4]),
			Value: int32(binary.LittleEndian.Uint32(r[4:8])),
		})
	}
	return evs, nil
}

// AppendEvent encodes e as a struct input_event of the given size (16 or
// 24) with a zero time stamp: for simulators and recorded test streams.
func AppendEvent(b []byte, size int, e InputEvent) []byte {
	b = append(b, make([]byte, size-8)...)
	b = binary.LittleEndian.AppendUint16(b, e.Type)
	b = binary.LittleEndian.AppendUint16(b, e.Code)
	return binary.LittleEndian.AppendUint32(b, uint32(e.Value))
}

// ioc builds a Linux _IOC request number.
func ioc(dir, typ, nr, size uintptr) uintptr {
	return dir<<30 | size<<16 | typ<<8 | nr
}

// eviocgbit is EVIOCGBIT(ev, len).
func eviocgbit(ev, length uintptr) uintptr { return ioc(iocRead, evdevIoctlLetter, 0x20+ev, length) }

// eviocgrab is EVIOCGRAB: _IOW('E', 0x90, int), the int passed by value.
var eviocgrab = ioc(iocWrite, evdevIoctlLetter, 0x90, 4)

// eviocgabs is EVIOCGABS(abs).
func eviocgabs(abs uintptr) uintptr { return ioc(iocRead, evdevIoctlLetter, 0x40+abs, absInfoSize) }
