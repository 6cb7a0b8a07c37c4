package essp

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash"
)

// Opts configures the driver.
type Opts struct {
	// Address is the SSP slave address; banknote validators default to 0
	// [GA138 Banknote Validator].
	Address byte
	// ReplyTimeout is how long to wait for a reply before re-sending the
	// same packet [GA138 Transport Layer: 1 s].
	ReplyTimeout time.Duration
	// Retries is how many times a packet is re-sent before the device is
	// declared offline. GA138 allows 20; fewer gives the citizen a quicker
	// "acceptor not working" message.
	Retries int
	// Protocol is the host protocol version to ask for; the driver falls
	// back one version on FAIL.
	Protocol byte
}

// DefaultOpts are the values GA138 gives.
var DefaultOpts = Opts{Address: 0, ReplyTimeout: time.Second, Retries: 3, Protocol: 7}

// Dev is an SSP note validator.
type Dev struct {
	t      io.ReadWriter
	r      *bufio.Reader
	opts   Opts
	seq    byte // sequence flag of the next new command
	setup  Setup
	serial uint32

	mu sync.Mutex // serialises commands; the cash loop owns the device anyway

	// Escrow state, see the package doc.
	escrowCh  byte // channel of the note in escrow, 0 = none
	accepting bool // Accept was called: the next command is POLL
	returning bool // Return was called: REJECTED means returned, not refused
	inFlight  byte // channel of a note between escrow and STACKED/REJECTED
	credited  bool // NOTE CREDIT already reported for inFlight
	jammed    bool
	full      bool
	disabled  bool
}

var _ cash.BillAcceptor = (*Dev)(nil)

type readDeadliner interface{ SetReadDeadline(time.Time) error }
type writeDeadliner interface{ SetWriteDeadline(time.Time) error }

// New opens a session with the validator on t: SYNC, HOST PROTOCOL VERSION,
// SETUP REQUEST, GET SERIAL NUMBER and a POLL that clears queued events
// [GA973 8.3]. The validator is left disabled; call Enable.
func New(t io.ReadWriter, opts *Opts) (*Dev, error) {
	o := DefaultOpts
	if opts != nil {
		o = *opts
		if o.ReplyTimeout == 0 {
			o.ReplyTimeout = DefaultOpts.ReplyTimeout
		}
		if o.Protocol == 0 {
			o.Protocol = DefaultOpts.Protocol
		}
	}
	d := &Dev{t: t, r: bufio.NewReader(t), opts: o}
	if err := d.start(context.Background()); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dev) start(ctx context.Context) error {
	if _, err := d.sync(ctx); err != nil {
		return err
	}
	proto := d.opts.Protocol
	for {
		_, err := d.command(ctx, CmdHostProtocolVersion, proto)
		var re *ResponseError
		if errors.As(err, &re) && re.Code == RespFail && proto > 6 {
			proto--
			continue
		}
		if err != nil {
			return fmt.Errorf("essp: host protocol version %d: %w", proto, err)
		}
		break
	}
	b, err := d.command(ctx, CmdSetupRequest)
	if err != nil {
		return fmt.Errorf("essp: setup request: %w", err)
	}
	if d.setup, err = ParseSetup(b); err != nil {
		return err
	}
	if b, err = d.command(ctx, CmdGetSerialNumber); err != nil {
		return fmt.Errorf("essp: get serial number: %w", err)
	}
	if len(b) == 4 {
		d.serial = binary.BigEndian.Uint32(b)
	}
	return nil
}

// sync sends SYNC, which resets the sequence: SYNC goes out with the flag
// set and the device expects the next command with the flag clear [GA138
// Sync; GA973 8.1].
func (d *Dev) sync(ctx context.Context) ([]byte, error) {
	d.seq = seqFlag
	b, err := d.command(ctx, CmdSync)
	if err != nil {
		return nil, fmt.Errorf("essp: sync: %w", err)
	}
	d.seq = 0
	return b, nil
}

// Serial is the unit's serial number.
func (d *Dev) Serial() uint32 { return d.serial }

// SetupInfo is the parsed SETUP REQUEST reply.
func (d *Dev) SetupInfo() Setup { return d.setup }

// command sends one command and returns the reply data after OK. It
// retransmits the same packet (same sequence flag) on a reply timeout and
// toggles the flag only once a reply arrived.
func (d *Dev) command(ctx context.Context, cmd byte, params ...byte) ([]byte, error) {
	seqID := d.seq | d.opts.Address
	pkt, err := Encode(seqID, append([]byte{cmd}, params...))
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt <= d.opts.Retries; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := d.exchange(pkt, seqID)
		if err != nil {
			lastErr = err
			if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, ErrCRC) {
				continue
			}
			return nil, fmt.Errorf("%w: %v", cash.ErrOffline, err)
		}
		if cmd != CmdSync {
			d.seq ^= seqFlag
		}
		if len(f.Data) == 0 {
			return nil, fmt.Errorf("essp: command 0x%02X: empty reply", cmd)
		}
		if f.Data[0] != RespOK {
			return nil, &ResponseError{Command: cmd, Code: f.Data[0], Extra: f.Data[1:]}
		}
		return f.Data[1:], nil
	}
	return nil, fmt.Errorf("%w: no reply to command 0x%02X after %d tries: %v", cash.ErrOffline, cmd, d.opts.Retries+1, lastErr)
}

// exchange writes pkt and reads frames until one carries seqID (replies to
// other packets, e.g. a late reply to a retransmission, are dropped).
func (d *Dev) exchange(pkt []byte, seqID byte) (Frame, error) {
	deadline := time.Now().Add(d.opts.ReplyTimeout)
	if wd, ok := d.t.(writeDeadliner); ok {
		wd.SetWriteDeadline(deadline)
	}
	if _, err := d.t.Write(pkt); err != nil {
		return Frame{}, err
	}
	rd, hasDeadline := d.t.(readDeadliner)
	if hasDeadline {
		rd.SetReadDeadline(deadline)
	}
	for {
		f, err := ReadFrame(d.r)
		if err != nil {
			return f, err
		}
		if f.SeqID == seqID {
			return f, nil
		}
	}
}

// Enable implements cash.BillAcceptor: SET INHIBITS with the channels whose
// value is in accept (bit set = channel enabled), then ENABLE.
func (d *Dev) Enable(ctx context.Context, accept []money.Paise) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	mask := make([]byte, 2) // NV9/NV10 take 1–2 bytes, NV200 2–4
	for i, v := range d.setup.Values {
		ok := accept == nil
		for _, a := range accept {
			ok = ok || a == v
		}
		if ok && i < 16 {
			mask[i/8] |= 1 << (i % 8)
		}
	}
	if _, err := d.command(ctx, CmdSetInhibits, mask...); err != nil {
		return fmt.Errorf("essp: set inhibits: %w", err)
	}
	if _, err := d.command(ctx, CmdEnable); err != nil {
		return fmt.Errorf("essp: enable: %w", err)
	}
	d.disabled = false
	return nil
}

// Disable implements cash.BillAcceptor.
func (d *Dev) Disable(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.command(ctx, CmdDisable); err != nil {
		return fmt.Errorf("essp: disable: %w", err)
	}
	return nil
}

// Accept implements cash.BillAcceptor: the next Poll sends POLL, which
// accepts the escrowed note [GA973 8.3].
func (d *Dev) Accept(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.escrowCh == 0 {
		return cash.ErrNoEscrow
	}
	d.accepting = true
	return nil
}

// Return implements cash.BillAcceptor: REJECT hands the escrowed note back.
func (d *Dev) Return(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.escrowCh == 0 {
		return cash.ErrNoEscrow
	}
	if _, err := d.command(ctx, CmdReject); err != nil {
		return fmt.Errorf("essp: reject: %w", err)
	}
	d.returning = true
	d.escrowCh = 0
	return nil
}

// Denominations implements cash.BillAcceptor.
func (d *Dev) Denominations() []cash.Note {
	out := make([]cash.Note, len(d.setup.Values))
	for i, v := range d.setup.Values {
		out[i] = cash.Note{Channel: i + 1, Value: v}
	}
	return out
}

// Close implements cash.BillAcceptor: it disables the validator, so that no
// note is taken while nobody polls. It does not close the transport.
func (d *Dev) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*d.opts.ReplyTimeout)
	defer cancel()
	return d.Disable(ctx)
}

func (d *Dev) note(ch byte) cash.Note {
	n := cash.Note{Channel: int(ch)}
	if ch >= 1 && int(ch) <= len(d.setup.Values) {
		n.Value = d.setup.Values[ch-1]
	}
	return n
}

// Poll implements cash.BillAcceptor. While a note waits in escrow for a
// decision it sends HOLD, which keeps the note and restarts the escrow
// timeout; otherwise POLL, and turns the device's events into cash events,
// each reported once.
func (d *Dev) Poll(ctx context.Context) ([]cash.Event, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.escrowCh != 0 && !d.accepting {
		if _, err := d.command(ctx, CmdHold); err != nil {
			return nil, fmt.Errorf("essp: hold: %w", err)
		}
		return nil, nil
	}
	b, err := d.command(ctx, CmdPoll)
	if err != nil {
		return nil, fmt.Errorf("essp: poll: %w", err)
	}
	if d.accepting {
		// This POLL accepted the note: it is on its way to the stacker.
		d.accepting = false
		d.escrowCh = 0
	}
	raw, perr := ParseEvents(b)
	var out []cash.Event
	for _, ev := range raw {
		out = append(out, d.translate(ctx, ev)...)
	}
	if perr != nil {
		return out, perr
	}
	return out, nil
}

func (d *Dev) translate(ctx context.Context, ev RawEvent) []cash.Event {
	switch ev.Code {
	case EvRead:
		if ev.Channel == 0 || d.escrowCh != 0 || d.inFlight != 0 {
			return nil // still reading, or the same escrow reported again
		}
		d.escrowCh, d.inFlight, d.credited = ev.Channel, ev.Channel, false
		return []cash.Event{{Kind: cash.Escrowed, Note: d.note(ev.Channel)}}
	case EvNoteCredit:
		if d.credited {
			return nil
		}
		d.credited = true
		ch := ev.Channel
		if ch == 0 {
			ch = d.inFlight
		}
		return []cash.Event{{Kind: cash.Stacked, Note: d.note(ch)}}
	case EvStacked:
		d.inFlight, d.credited = 0, false
	case EvRejected:
		n := d.note(d.inFlight)
		d.inFlight, d.escrowCh, d.credited = 0, 0, false
		if d.returning {
			d.returning = false
			return []cash.Event{{Kind: cash.Returned, Note: n}}
		}
		reason := "unknown"
		if b, err := d.command(ctx, CmdLastRejectCode); err == nil && len(b) == 1 {
			if r, ok := RejectReasons[b[0]]; ok {
				reason = r
			} else {
				reason = fmt.Sprintf("reject code 0x%02X", b[0])
			}
		}
		return []cash.Event{{Kind: cash.Rejected, Note: n, Reason: reason}}
	case EvSafeJam, EvUnsafeJam:
		if d.jammed {
			return nil
		}
		d.jammed = true
		safe := ev.Code == EvSafeJam
		reason := "note jammed where the customer cannot reach it"
		if !safe {
			reason = "note jammed where the customer might reach it"
		}
		return []cash.Event{{Kind: cash.Jammed, Safe: safe, Note: d.note(d.inFlight), Reason: reason}}
	case EvStackerFull:
		if d.full {
			return nil
		}
		d.full = true
		return []cash.Event{{Kind: cash.StackerFull}}
	case EvDisabled:
		if d.disabled {
			return nil
		}
		d.disabled = true
		return []cash.Event{{Kind: cash.Disabled}}
	case EvFraudAttempt:
		return []cash.Event{{Kind: cash.Fraud, Note: d.note(ev.Channel), Reason: "fraud attempt"}}
	case EvCashboxRemoved:
		return []cash.Event{{Kind: cash.CashboxRemoved}}
	case EvCashboxReplaced:
		d.full = false
		return []cash.Event{{Kind: cash.CashboxReplaced}}
	case EvSlaveReset:
		d.escrowCh, d.inFlight, d.accepting, d.returning, d.credited, d.jammed = 0, 0, false, false, false, false
		return []cash.Event{{Kind: cash.Reset}}
	case EvClearedCashbox:
		return []cash.Event{{Kind: cash.ClearedToCashbox, Note: d.note(ev.Channel)}}
	case EvClearedFront:
		return []cash.Event{{Kind: cash.ClearedToFront, Note: d.note(ev.Channel)}}
	}
	return nil
}
