package essp

import (
	"encoding/binary"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

// Commands [GA138 command table].
const (
	CmdReset               = 0x01
	CmdSetInhibits         = 0x02
	CmdDisplayOn           = 0x03
	CmdDisplayOff          = 0x04
	CmdSetupRequest        = 0x05
	CmdHostProtocolVersion = 0x06
	CmdPoll                = 0x07
	CmdReject              = 0x08
	CmdDisable             = 0x09
	CmdEnable              = 0x0A
	CmdGetSerialNumber     = 0x0C
	CmdSync                = 0x11
	CmdLastRejectCode      = 0x17
	CmdHold                = 0x18
)

// Generic responses [GA138 Generic Commands and Responses].
const (
	RespOK              = 0xF0
	RespCommandNotKnown = 0xF2
	RespWrongParameters = 0xF3
	RespParameterRange  = 0xF4
	RespCannotProcess   = 0xF5
	RespSoftwareError   = 0xF6
	RespFail            = 0xF8
	RespKeyNotSet       = 0xFA
)

var respNames = map[byte]string{
	RespCommandNotKnown: "command not known", RespWrongParameters: "wrong number of parameters",
	RespParameterRange: "parameter out of range", RespCannotProcess: "command cannot be processed",
	RespSoftwareError: "software error", RespFail: "fail", RespKeyNotSet: "key not set (encryption required)",
}

// ResponseError is a generic response other than OK.
type ResponseError struct {
	Command byte
	Code    byte
	Extra   []byte // e.g. the reason byte after COMMAND CANNOT BE PROCESSED
}

func (e *ResponseError) Error() string {
	name := respNames[e.Code]
	if name == "" {
		name = "unknown response"
	}
	return fmt.Sprintf("essp: command 0x%02X: device answered 0x%02X (%s)", e.Command, e.Code, name)
}

// ResponseCode returns the generic response code, like go.bug.st/serial's
// PortError.Code.
func (e *ResponseError) ResponseCode() byte { return e.Code }

// Poll events [GA138 NV200 event table; cash-protocols.md §1.7].
const (
	EvSlaveReset      = 0xF1
	EvRead            = 0xEF
	EvNoteCredit      = 0xEE
	EvRejecting       = 0xED
	EvRejected        = 0xEC
	EvStacking        = 0xCC
	EvStacked         = 0xEB
	EvSafeJam         = 0xEA
	EvUnsafeJam       = 0xE9
	EvDisabled        = 0xE8
	EvFraudAttempt    = 0xE6
	EvStackerFull     = 0xE7
	EvClearedFront    = 0xE1
	EvClearedCashbox  = 0xE2
	EvCashboxRemoved  = 0xE3
	EvCashboxReplaced = 0xE4
	EvNotePathOpen    = 0xE0
	EvChannelDisable  = 0xB5
	EvInitialising    = 0xB6
)

// eventDataLen gives the number of data bytes after each event code, for
// protocol versions 4–8. An unknown code makes the rest of the reply
// unparseable, which ParseEvents reports.
var eventDataLen = map[byte]int{
	EvSlaveReset: 0, EvRead: 1, EvNoteCredit: 1, EvRejecting: 0, EvRejected: 0, EvStacking: 0,
	EvStacked: 0, EvSafeJam: 0, EvUnsafeJam: 0, EvDisabled: 0, EvFraudAttempt: 1, EvStackerFull: 0,
	EvClearedFront: 1, EvClearedCashbox: 1, EvCashboxRemoved: 0, EvCashboxReplaced: 0,
	EvNotePathOpen: 0, EvChannelDisable: 0, EvInitialising: 0,
}

// RawEvent is one event of a POLL reply.
type RawEvent struct {
	Code    byte
	Channel byte // for events that carry one
}

// ParseEvents parses the data of a POLL reply after the 0xF0.
func ParseEvents(b []byte) ([]RawEvent, error) {
	var out []RawEvent
	for i := 0; i < len(b); {
		code := b[i]
		n, ok := eventDataLen[code]
		if !ok {
			return out, fmt.Errorf("essp: poll: unknown event 0x%02X at byte %d of % X", code, i, b)
		}
		if i+1+n > len(b) {
			return out, fmt.Errorf("essp: poll: event 0x%02X cut short in % X", code, b)
		}
		ev := RawEvent{Code: code}
		if n == 1 {
			ev.Channel = b[i+1]
		}
		out = append(out, ev)
		i += 1 + n
	}
	return out, nil
}

// RejectReasons are the LAST REJECT CODE answers [GA138 Reject Codes].
var RejectReasons = map[byte]string{
	0x00: "note accepted", 0x01: "note length incorrect", 0x02: "invalid note (average fail)",
	0x03: "invalid note (coastline fail)", 0x04: "invalid note (graph fail)", 0x05: "invalid note (buried fail)",
	0x06: "channel inhibited", 0x07: "second note inserted", 0x08: "rejected by host",
	0x09: "note recognised in more than one channel", 0x0A: "rear sensor error", 0x0B: "note too long",
	0x0C: "disabled by host", 0x0D: "mechanism slow or stalled", 0x0E: "strimming attempt",
	0x0F: "fraud channel", 0x10: "no notes inserted", 0x11: "peak detect fail", 0x12: "twisted note",
	0x13: "escrow time-out", 0x14: "bar code scan fail", 0x15: "no cam activate",
	0x16: "slot fail 1", 0x17: "slot fail 2", 0x18: "lens over-sample", 0x19: "width detection fail",
	0x1A: "short note detected", 0x1B: "payout note", 0x1C: "double note detected", 0x1D: "unable to stack",
}

// Setup is the SETUP REQUEST reply of a banknote validator [GA138 Banknote
// Validator; GA973 annotated example; cash-protocols.md §1.6].
type Setup struct {
	UnitType            byte
	Firmware            string
	Country             string
	ValueMultiplier     uint32
	RealValueMultiplier uint32
	Protocol            byte
	// Values of channels 1..n in paise.
	Values    []money.Paise
	Countries []string // per channel, protocol ≥ 6
}

// ParseSetup parses the SETUP REQUEST reply data after the 0xF0. Values are
// channel value × real value multiplier (× value multiplier for the 1-byte
// values of protocol < 6), in the currency's minor unit: paise for INR.
func ParseSetup(b []byte) (Setup, error) {
	var s Setup
	if len(b) < 12 {
		return s, fmt.Errorf("essp: setup request: reply of %d bytes is too short", len(b))
	}
	s.UnitType = b[0]
	s.Firmware = string(b[1:5])
	s.Country = string(b[5:8])
	s.ValueMultiplier = be24(b[8:11])
	n := int(b[11])
	if len(b) < 16+2*n {
		return s, fmt.Errorf("essp: setup request: %d channels need %d bytes, got %d", n, 16+2*n, len(b))
	}
	byteValues := b[12 : 12+n]
	s.RealValueMultiplier = be24(b[12+2*n : 15+2*n])
	s.Protocol = b[15+2*n]
	if s.RealValueMultiplier == 0 {
		return s, fmt.Errorf("essp: setup request: real value multiplier is 0")
	}
	if s.Protocol >= 6 {
		if len(b) < 16+9*n {
			return s, fmt.Errorf("essp: setup request: protocol %d with %d channels needs %d bytes, got %d", s.Protocol, n, 16+9*n, len(b))
		}
		for i := range n {
			s.Countries = append(s.Countries, string(b[16+2*n+3*i:19+2*n+3*i]))
			v := binary.LittleEndian.Uint32(b[16+5*n+4*i:])
			s.Values = append(s.Values, money.Paise(int64(v)*int64(s.RealValueMultiplier)))
		}
		return s, nil
	}
	for _, v := range byteValues {
		s.Values = append(s.Values, money.Paise(int64(v)*int64(s.ValueMultiplier)*int64(s.RealValueMultiplier)))
	}
	return s, nil
}

// AppendSetup encodes s as a SETUP REQUEST reply (after the 0xF0) for the
// given protocol, the inverse of ParseSetup; the simulator uses it.
func AppendSetup(b []byte, s Setup) []byte {
	n := len(s.Values)
	b = append(b, s.UnitType)
	b = append(b, fmt.Sprintf("%-4.4s", s.Firmware)...)
	b = append(b, fmt.Sprintf("%-3.3s", s.Country)...)
	b = appendBE24(b, s.ValueMultiplier)
	b = append(b, byte(n))
	for _, v := range s.Values {
		if s.ValueMultiplier == 0 {
			b = append(b, 0)
		} else {
			b = append(b, byte(int64(v)/int64(s.RealValueMultiplier)/int64(s.ValueMultiplier)))
		}
	}
	for range n {
		if s.ValueMultiplier > 0 {
			b = append(b, 2)
		} else {
			b = append(b, 0)
		}
	}
	b = appendBE24(b, s.RealValueMultiplier)
	b = append(b, s.Protocol)
	if s.Protocol >= 6 {
		for range n {
			b = append(b, fmt.Sprintf("%-3.3s", s.Country)...)
		}
		for _, v := range s.Values {
			b = binary.LittleEndian.AppendUint32(b, uint32(int64(v)/int64(s.RealValueMultiplier)))
		}
	}
	return b
}

func be24(b []byte) uint32 { return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) }

func appendBE24(b []byte, v uint32) []byte { return append(b, byte(v>>16), byte(v>>8), byte(v)) }
