package essp

import (
	"bufio"
	"errors"
	"fmt"
)

// stx starts every packet; inside a packet it is doubled.
const stx = 0x7F

// seqFlag is bit 7 of SEQ/ID: the sequence flag.
const seqFlag = 0x80

// maxData is the largest DATA a packet can carry (LEN is one byte).
const maxData = 255

// CRC16 is SSP's CRC: polynomial x¹⁶+x¹⁵+x²+1 (0x8005), seed 0xFFFF,
// processed MSB first, no reflection, no final XOR.
func CRC16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		crc ^= uint16(c) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x8005
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// Encode builds the wire bytes of a packet: STX, then SEQ/ID, LEN, data and
// the CRC (low byte first), with every 0x7F after the STX doubled.
func Encode(seqID byte, data []byte) ([]byte, error) {
	if len(data) > maxData {
		return nil, fmt.Errorf("essp: encode: %d data bytes, at most %d fit in a packet", len(data), maxData)
	}
	raw := make([]byte, 0, len(data)+4)
	raw = append(raw, seqID, byte(len(data)))
	raw = append(raw, data...)
	crc := CRC16(raw)
	raw = append(raw, byte(crc), byte(crc>>8))
	out := make([]byte, 1, len(raw)*2+1)
	out[0] = stx
	for _, c := range raw {
		out = append(out, c)
		if c == stx {
			out = append(out, stx)
		}
	}
	return out, nil
}

// Frame is one decoded packet.
type Frame struct {
	SeqID byte
	Data  []byte
}

// Seq reports the sequence flag.
func (f Frame) Seq() bool { return f.SeqID&seqFlag != 0 }

// Address is the slave address (bits 6–0).
func (f Frame) Address() byte { return f.SeqID &^ seqFlag }

// ErrCRC reports a packet whose CRC did not match; the receiver drops it.
var ErrCRC = errors.New("essp: CRC mismatch")

// readUnstuffed returns the next byte of a packet body, undoing the byte
// stuffing. A lone STX inside a packet means the sender started over: it is
// reported as errResync and the caller restarts with the next byte as SEQ/ID.
func readUnstuffed(r *bufio.Reader) (byte, error) {
	c, err := r.ReadByte()
	if err != nil || c != stx {
		return c, err
	}
	next, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	if next == stx {
		return stx, nil
	}
	// Lone STX: a new packet begins; next is its SEQ/ID.
	if err := r.UnreadByte(); err != nil {
		return 0, err
	}
	return 0, errResync
}

var errResync = errors.New("essp: resynchronised on a new STX")

// ReadFrame reads bytes until it has one whole packet with a good CRC. Bytes
// before the first STX are skipped (line noise). A bad CRC returns ErrCRC
// (the packet is dropped; the caller keeps reading or retries).
func ReadFrame(r *bufio.Reader) (Frame, error) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return Frame{}, err
		}
		if c != stx {
			continue
		}
		if nc, err := r.Peek(1); err == nil && nc[0] == stx {
			// A doubled STX is data, not a start: we are mid-packet; skip.
			r.ReadByte()
			continue
		}
		f, err := readBody(r)
		if errors.Is(err, errResync) {
			// The lone STX was consumed as a start; loop by pretending we
			// just saw STX.
			for errors.Is(err, errResync) {
				f, err = readBody(r)
			}
		}
		return f, err
	}
}

func readBody(r *bufio.Reader) (Frame, error) {
	seq, err := readUnstuffed(r)
	if err != nil {
		return Frame{}, err
	}
	n, err := readUnstuffed(r)
	if err != nil {
		return Frame{}, err
	}
	raw := make([]byte, 0, int(n)+4)
	raw = append(raw, seq, n)
	for i := 0; i < int(n)+2; i++ {
		c, err := readUnstuffed(r)
		if err != nil {
			return Frame{}, err
		}
		raw = append(raw, c)
	}
	body := raw[:len(raw)-2]
	got := uint16(raw[len(raw)-2]) | uint16(raw[len(raw)-1])<<8
	if want := CRC16(body); got != want {
		return Frame{}, fmt.Errorf("%w: got %04x, computed %04x", ErrCRC, got, want)
	}
	return Frame{SeqID: seq, Data: append([]byte(nil), body[2:]...)}, nil
}
