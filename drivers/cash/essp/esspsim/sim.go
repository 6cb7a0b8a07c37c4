// Package esspsim is the device side of SSP: a simulated ITL note validator
// loaded with an Indian rupee dataset, speaking the same bytes as the real
// unit over any io.ReadWriter (a pty, a TCP connection, an in-process pipe).
//
// It runs the note flows of GA973 8.3 as a state machine advanced by the
// host's POLLs — reading, escrow, stacking, credit, stacked; reject by host;
// validation rejects; jams; stacker full — honours the sequence flag (a
// repeated flag gets the last reply again, not a second execution), and
// implements cash.Feeder so a person or a test can insert notes while the
// host polls.
package esspsim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp"
)

// INR is the dataset the simulator is loaded with: ₹10 … ₹2000 on channels 1–7.
var INR = []money.Paise{money.Rupees(10), money.Rupees(20), money.Rupees(50), money.Rupees(100),
	money.Rupees(200), money.Rupees(500), money.Rupees(2000)}

// Opts configures the simulator.
type Opts struct {
	Address byte
	Serial  uint32
	// StackerCapacity: after this many notes the stacker is full (0 = 1000).
	StackerCapacity int
	// Now is the clock (for the 10 s escrow and poll timeouts); nil = time.Now.
	Now func() time.Time
	// NoteInPathAtPowerUp simulates a power cut with a note in the path:
	// the first POLL reports it cleared into the cashbox (channel > 0) …
	NoteInPathAtPowerUp byte
	// … or, when ClearToFront, handed back at the front.
	ClearToFront bool
	// OnStack, when set, is called (with the simulator's lock held) as a
	// note passes the credit point: the crash tests keep the physical
	// cashbox's contents outside the process that may die.
	OnStack func(money.Paise)
}

type phase int

const (
	idle phase = iota
	reading
	escrow
	stacking
	credited
	rejecting
	rejected
	jammed
)

type slotNote struct {
	value       money.Paise
	counterfeit bool
}

// Sim is a simulated note validator. Feeder methods are safe to call from any
// goroutine while Serve runs.
type Sim struct {
	rw   io.ReadWriter
	opts Opts

	mu          sync.Mutex
	protocol    byte
	inhibits    uint16
	enabled     bool
	lastSeq     byte
	haveLast    bool
	lastReply   []byte
	slot        []slotNote
	ph          phase
	ch          byte // channel of the note in progress
	jamNext     bool
	jamSafe     bool
	lastReject  byte
	stacked     int
	full        bool
	lastCommand time.Time
	pending     []byte // events queued for the next POLL
	dropReplies int
	powerUp     bool
	cashbox     []money.Paise
}

// New returns a simulator talking on rw. Call Serve to run it.
func New(rw io.ReadWriter, opts Opts) *Sim {
	if opts.StackerCapacity == 0 {
		opts.StackerCapacity = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Serial == 0 {
		opts.Serial = 0x001C962C
	}
	s := &Sim{rw: rw, opts: opts, protocol: 4, powerUp: true}
	s.lastCommand = opts.Now()
	return s
}

// HostOpts are the driver options for a host on a Pipe. The simulator
// answers from a goroutine of the same process: it is late only when the
// machine starves it (a loaded build machine under the race detector, a slow
// Pi), never unplugged, so the driver waits longer than essp.DefaultOpts,
// which are for a real device's cable.
var HostOpts = essp.Opts{ReplyTimeout: 3 * time.Second, Retries: 2}

// Pipe returns the host end of an in-process connection to a new simulator
// that is already serving. Closing the host end stops the simulator.
func Pipe(opts Opts) (net.Conn, *Sim) {
	host, dev := net.Pipe()
	s := New(dev, opts)
	go func() {
		s.Serve(context.Background())
		dev.Close()
	}()
	return host, s
}

var _ cash.Feeder = (*Sim)(nil)

// Insert implements cash.Feeder.
func (s *Sim) Insert(v money.Paise) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slot = append(s.slot, slotNote{value: v})
	return nil
}

// InsertCounterfeit implements cash.Feeder.
func (s *Sim) InsertCounterfeit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slot = append(s.slot, slotNote{value: money.Rupees(500), counterfeit: true})
	return nil
}

// Jam implements cash.Feeder: the next note accepted from escrow jams.
func (s *Sim) Jam(safe bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jamNext, s.jamSafe = true, safe
	return nil
}

// DropReplies makes the simulator execute the next n commands but lose
// their replies, as a noisy line would; the host must retransmit.
func (s *Sim) DropReplies(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropReplies = n
}

// Cashbox returns the values of the notes stacked so far, in order: the
// physical truth a settlement is checked against.
func (s *Sim) Cashbox() []money.Paise {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]money.Paise(nil), s.cashbox...)
}

// Serve answers the host until rw fails or ctx ends. Packets with a bad CRC
// are dropped silently, as the device does.
func (s *Sim) Serve(ctx context.Context) error {
	r := bufio.NewReader(s.rw)
	for ctx.Err() == nil {
		f, err := essp.ReadFrame(r)
		if errors.Is(err, essp.ErrCRC) {
			continue
		}
		if err != nil {
			return err
		}
		if f.Address() != s.opts.Address || len(f.Data) == 0 {
			continue
		}
		reply, send := s.handle(f)
		if !send {
			continue
		}
		pkt, err := essp.Encode(f.SeqID, reply)
		if err != nil {
			return err
		}
		if _, err := s.rw.Write(pkt); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (s *Sim) handle(f essp.Frame) (reply []byte, send bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := f.Data[0]
	seq := f.SeqID & 0x80
	if cmd != essp.CmdSync && s.haveLast && seq == s.lastSeq {
		// Same flag as before: the host did not get our reply. Send it
		// again without executing the command a second time [GA138].
		return s.lastReply, true
	}
	now := s.opts.Now()
	s.tick(now)
	s.lastCommand = now
	reply = s.execute(cmd, f.Data[1:], now)
	if cmd == essp.CmdSync {
		// After SYNC the device expects the next flag to be 0, i.e. it
		// treats "1" as the last seen [GA138 Sync].
		s.lastSeq, s.haveLast = 0x80, true
	} else {
		s.lastSeq, s.haveLast = seq, true
	}
	s.lastReply = reply
	if s.dropReplies > 0 {
		s.dropReplies--
		return nil, false
	}
	return reply, true
}

// tick applies the timeouts of GA138/GA973 1.9: a note held in escrow with
// no command for 10 s is returned (reject code 0x13), and a unit that gets no
// command for 10 s disables itself.
func (s *Sim) tick(now time.Time) {
	if now.Sub(s.lastCommand) < 10*time.Second {
		return
	}
	if s.ph == escrow {
		s.ph, s.lastReject = rejecting, 0x13
	}
	if s.enabled {
		s.enabled = false
	}
}

func ok(data ...byte) []byte { return append([]byte{essp.RespOK}, data...) }

func (s *Sim) execute(cmd byte, p []byte, now time.Time) []byte {
	switch cmd {
	case essp.CmdSync:
		return ok()
	case essp.CmdReset:
		s.enabled, s.ph, s.powerUp = false, idle, true
		return ok()
	case essp.CmdHostProtocolVersion:
		if len(p) != 1 {
			return []byte{essp.RespWrongParameters}
		}
		if p[0] < 4 || p[0] > 7 {
			return []byte{essp.RespFail}
		}
		s.protocol = p[0]
		return ok()
	case essp.CmdSetupRequest:
		return essp.AppendSetup(ok(), essp.Setup{UnitType: 0, Firmware: "0410", Country: "INR",
			ValueMultiplier: 0, RealValueMultiplier: 100, Protocol: s.protocol, Values: rupeeValues()})
	case essp.CmdGetSerialNumber:
		v := s.opts.Serial
		return ok(byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	case essp.CmdSetInhibits:
		if len(p) < 1 || len(p) > 2 {
			return []byte{essp.RespWrongParameters}
		}
		s.inhibits = uint16(p[0])
		if len(p) == 2 {
			s.inhibits |= uint16(p[1]) << 8
		}
		return ok()
	case essp.CmdEnable:
		if s.ph == jammed {
			return []byte{essp.RespCannotProcess}
		}
		s.enabled = true
		return ok()
	case essp.CmdDisable:
		s.enabled = false
		return ok()
	case essp.CmdDisplayOn, essp.CmdDisplayOff:
		return ok()
	case essp.CmdLastRejectCode:
		return ok(s.lastReject)
	case essp.CmdHold:
		if s.ph != escrow {
			return []byte{essp.RespCannotProcess}
		}
		return ok()
	case essp.CmdReject:
		if s.ph != escrow {
			return []byte{essp.RespCannotProcess}
		}
		s.ph, s.lastReject = rejecting, 0x08
		return ok()
	case essp.CmdPoll:
		return ok(s.poll()...)
	}
	return []byte{essp.RespCommandNotKnown}
}

// rupeeValues are the channel values in rupees × 100 (real value multiplier
// 100 turns rupees into paise).
func rupeeValues() []money.Paise { return INR }

func (s *Sim) channelOf(v money.Paise) byte {
	for i, x := range INR {
		if x == v {
			return byte(i + 1)
		}
	}
	return 0
}

// poll advances the note state machine by one step and returns the events.
func (s *Sim) poll() []byte {
	var ev []byte
	if s.powerUp {
		s.powerUp = false
		ev = append(ev, essp.EvSlaveReset)
		if c := s.opts.NoteInPathAtPowerUp; c != 0 {
			if s.opts.ClearToFront {
				ev = append(ev, essp.EvClearedFront, c)
			} else {
				ev = append(ev, essp.EvClearedCashbox, c)
				s.cashbox = append(s.cashbox, INR[c-1])
			}
			s.opts.NoteInPathAtPowerUp = 0
		}
		return append(ev, essp.EvDisabled)
	}
	switch s.ph {
	case idle:
		if !s.enabled {
			if s.full {
				ev = append(ev, essp.EvStackerFull)
			}
			return append(ev, essp.EvDisabled)
		}
		if len(s.slot) == 0 {
			return nil
		}
		n := s.slot[0]
		s.slot = s.slot[1:]
		s.ph, s.ch = reading, s.channelOf(n.value)
		switch {
		case n.counterfeit:
			s.ch, s.lastReject = 0, 0x02
		case s.ch == 0:
			s.lastReject = 0x06 // no channel for this value in the dataset
		case s.inhibits&(1<<(s.ch-1)) == 0:
			s.ch, s.lastReject = 0, 0x0C
		}
		return []byte{essp.EvRead, 0}
	case reading:
		if s.ch == 0 {
			s.ph = rejecting
			return []byte{essp.EvRejecting}
		}
		s.ph = escrow
		return []byte{essp.EvRead, s.ch}
	case escrow:
		// A POLL while a note is in escrow accepts it [GA973 8.3].
		if s.jamNext {
			s.jamNext = false
			s.ph = jammed
			s.enabled = false
			if s.jamSafe {
				return []byte{essp.EvStacking, essp.EvSafeJam, essp.EvDisabled}
			}
			return []byte{essp.EvStacking, essp.EvUnsafeJam, essp.EvDisabled}
		}
		s.ph = stacking
		return []byte{essp.EvStacking}
	case stacking:
		s.ph = credited
		s.cashbox = append(s.cashbox, INR[s.ch-1])
		if s.opts.OnStack != nil {
			s.opts.OnStack(INR[s.ch-1])
		}
		return []byte{essp.EvNoteCredit, s.ch, essp.EvStacking}
	case credited:
		s.ph = idle
		s.stacked++
		ev = []byte{essp.EvStacked}
		if s.stacked >= s.opts.StackerCapacity {
			s.full, s.enabled = true, false
			ev = append(ev, essp.EvStackerFull)
		}
		return ev
	case rejecting:
		s.ph = rejected
		return []byte{essp.EvRejecting}
	case rejected:
		s.ph = idle
		return []byte{essp.EvRejected}
	case jammed:
		if s.jamSafe {
			return []byte{essp.EvSafeJam, essp.EvDisabled}
		}
		return []byte{essp.EvUnsafeJam, essp.EvDisabled}
	}
	return nil
}

// String describes the simulator state for logs.
func (s *Sim) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("esspsim: enabled=%v phase=%d slot=%d stacked=%d", s.enabled, s.ph, len(s.slot), s.stacked)
}
