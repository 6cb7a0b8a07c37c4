package essp_test

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/drivers/cash"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp"
	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
)

var fastOpts = &essp.Opts{ReplyTimeout: 200 * time.Millisecond, Retries: 3}

func open(t *testing.T, opts esspsim.Opts) (*essp.Dev, *esspsim.Sim) {
	t.Helper()
	host, sim := esspsim.Pipe(opts)
	t.Cleanup(func() { host.Close() })
	d, err := essp.New(host, fastOpts)
	if err != nil {
		t.Fatalf("essp.New() = %v", err)
	}
	return d, sim
}

// pollUntil polls until an event of kind arrives or the poll budget runs out
// (a real host polls every 200 ms; the simulator advances one step per poll,
// so a budget of polls is deterministic).
func pollUntil(t *testing.T, d *essp.Dev, kind cash.EventKind) (cash.Event, []cash.Event) {
	t.Helper()
	var all []cash.Event
	for range 20 {
		evs, err := d.Poll(context.Background())
		if err != nil {
			t.Fatalf("Poll() = %v", err)
		}
		for _, e := range evs {
			all = append(all, e)
			if e.Kind == kind {
				return e, all
			}
		}
	}
	t.Fatalf("no %v event in 20 polls; saw %v", kind, all)
	return cash.Event{}, nil
}

func count(evs []cash.Event, k cash.EventKind) int {
	n := 0
	for _, e := range evs {
		if e.Kind == k {
			n++
		}
	}
	return n
}

func TestStartupAndDenominations(t *testing.T) {
	d, _ := open(t, esspsim.Opts{})
	if got, want := d.SetupInfo().Protocol, byte(7); got != want {
		t.Errorf("protocol = %d, want %d", got, want)
	}
	dn := d.Denominations()
	if len(dn) != 7 || dn[5].Value != money.Rupees(500) || dn[6].Value != money.Rupees(2000) || dn[6].Channel != 7 {
		t.Errorf("Denominations() = %v", dn)
	}
	if d.Serial() != 0x001C962C {
		t.Errorf("Serial() = %x", d.Serial())
	}
	// The first poll reports the power-up: reset and disabled.
	evs, err := d.Poll(context.Background())
	if err != nil || count(evs, cash.Reset) != 1 || count(evs, cash.Disabled) != 1 {
		t.Errorf("first Poll() = %v, %v; want reset + disabled", evs, err)
	}
}

func TestAcceptFlow(t *testing.T) {
	d, sim := open(t, esspsim.Opts{})
	ctx := context.Background()
	if err := d.Enable(ctx, nil); err != nil {
		t.Fatal(err)
	}
	sim.Insert(money.Rupees(500))
	e, _ := pollUntil(t, d, cash.Escrowed)
	if e.Note.Value != money.Rupees(500) {
		t.Fatalf("escrowed %v, want ₹500", e.Note)
	}
	// Undecided: the driver holds the note; it must stay in escrow.
	for range 5 {
		evs, err := d.Poll(ctx)
		if err != nil || len(evs) != 0 {
			t.Fatalf("Poll while holding = %v, %v", evs, err)
		}
	}
	if len(sim.Cashbox()) != 0 {
		t.Fatalf("note stacked while held")
	}
	if err := d.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	e, all := pollUntil(t, d, cash.Stacked)
	if e.Note.Value != money.Rupees(500) {
		t.Errorf("stacked %v", e.Note)
	}
	// A few more polls: no second credit for the same note.
	for range 4 {
		evs, _ := d.Poll(ctx)
		all = append(all, evs...)
	}
	if n := count(all, cash.Stacked); n != 1 {
		t.Errorf("%d Stacked events, want 1", n)
	}
	if got := sim.Cashbox(); len(got) != 1 || got[0] != money.Rupees(500) {
		t.Errorf("cashbox = %v", got)
	}
	if err := d.Accept(ctx); !errors.Is(err, cash.ErrNoEscrow) {
		t.Errorf("Accept with nothing in escrow = %v, want ErrNoEscrow", err)
	}
}

func TestReturnFlow(t *testing.T) {
	d, sim := open(t, esspsim.Opts{})
	ctx := context.Background()
	d.Enable(ctx, nil)
	sim.Insert(money.Rupees(2000))
	pollUntil(t, d, cash.Escrowed)
	if err := d.Return(ctx); err != nil {
		t.Fatal(err)
	}
	e, all := pollUntil(t, d, cash.Returned)
	if e.Note.Value != money.Rupees(2000) || count(all, cash.Stacked) != 0 || len(sim.Cashbox()) != 0 {
		t.Errorf("return: %v (all %v), cashbox %v", e, all, sim.Cashbox())
	}
}

func TestRejects(t *testing.T) {
	for _, tt := range []struct {
		name       string
		insert     func(*esspsim.Sim)
		accept     []money.Paise
		wantReason string
	}{
		{"counterfeit", func(s *esspsim.Sim) { s.InsertCounterfeit() }, nil, "invalid note (average fail)"},
		{"inhibited ₹2000", func(s *esspsim.Sim) { s.Insert(money.Rupees(2000)) }, []money.Paise{money.Rupees(100), money.Rupees(500)}, "disabled by host"},
		{"unknown ₹5", func(s *esspsim.Sim) { s.Insert(money.Rupees(5)) }, nil, "channel inhibited"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, sim := open(t, esspsim.Opts{})
			d.Enable(context.Background(), tt.accept)
			tt.insert(sim)
			e, all := pollUntil(t, d, cash.Rejected)
			if e.Reason != tt.wantReason || count(all, cash.Escrowed) != 0 {
				t.Errorf("rejected: %v, reason %q, want %q (all %v)", e, e.Reason, tt.wantReason, all)
			}
		})
	}
}

func TestJamAndStackerFull(t *testing.T) {
	d, sim := open(t, esspsim.Opts{StackerCapacity: 1})
	ctx := context.Background()
	d.Enable(ctx, nil)
	sim.Insert(money.Rupees(100))
	pollUntil(t, d, cash.Escrowed)
	d.Accept(ctx)
	_, all := pollUntil(t, d, cash.StackerFull)
	if count(all, cash.Stacked) != 1 {
		t.Errorf("stacker full flow = %v", all)
	}

	d2, sim2 := open(t, esspsim.Opts{})
	d2.Enable(ctx, nil)
	sim2.Jam(true)
	sim2.Insert(money.Rupees(200))
	pollUntil(t, d2, cash.Escrowed)
	d2.Accept(ctx)
	e, all := pollUntil(t, d2, cash.Jammed)
	if !e.Safe || count(all, cash.Stacked) != 0 {
		t.Errorf("safe jam: %v (all %v)", e, all)
	}
	// The jam repeats on the wire but is reported once.
	var more []cash.Event
	for range 3 {
		evs, _ := d2.Poll(ctx)
		more = append(more, evs...)
	}
	if count(more, cash.Jammed) != 0 {
		t.Errorf("jam reported again: %v", more)
	}
	if err := d2.Enable(ctx, nil); err == nil {
		t.Errorf("Enable while jammed succeeded")
	}
}

func TestLostRepliesNoDoubleCredit(t *testing.T) {
	d, sim := open(t, esspsim.Opts{})
	ctx := context.Background()
	d.Enable(ctx, nil)
	sim.Insert(money.Rupees(50))
	pollUntil(t, d, cash.Escrowed)
	d.Accept(ctx)
	var all []cash.Event
	for range 6 {
		// Every reply is lost once: the driver must re-send the same
		// packet, and the device must not execute it twice.
		sim.DropReplies(1)
		evs, err := d.Poll(ctx)
		if err != nil {
			t.Fatalf("Poll with a lost reply = %v", err)
		}
		all = append(all, evs...)
	}
	if n := count(all, cash.Stacked); n != 1 {
		t.Errorf("%d Stacked events with lost replies, want 1 (%v)", n, all)
	}
	if got := sim.Cashbox(); len(got) != 1 {
		t.Errorf("cashbox = %v, want one note", got)
	}
}

func TestUnplugged(t *testing.T) {
	host, dev := net.Pipe()
	defer host.Close()
	sim := esspsim.New(dev, esspsim.Opts{})
	ctx, cancel := context.WithCancel(context.Background())
	go sim.Serve(ctx)
	d, err := essp.New(host, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	dev.Close() // the cable is pulled
	if _, err := d.Poll(context.Background()); !errors.Is(err, cash.ErrOffline) {
		t.Errorf("Poll on an unplugged device = %v, want ErrOffline", err)
	}
	if _, err := essp.New(&silent{}, fastOpts); !errors.Is(err, cash.ErrOffline) {
		t.Errorf("New on a silent line = %v, want ErrOffline", err)
	}
}

// silent is a line where nothing answers: reads time out.
type silent struct{ deadline time.Time }

func (s *silent) Write(b []byte) (int, error)       { return len(b), nil }
func (s *silent) SetReadDeadline(t time.Time) error { s.deadline = t; return nil }
func (s *silent) Read(b []byte) (int, error) {
	time.Sleep(time.Until(s.deadline))
	return 0, os.ErrDeadlineExceeded
}

func TestPowerUpClearedNote(t *testing.T) {
	d, _ := open(t, esspsim.Opts{NoteInPathAtPowerUp: 6})
	evs, err := d.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got *cash.Event
	for i := range evs {
		if evs[i].Kind == cash.ClearedToCashbox {
			got = &evs[i]
		}
	}
	if got == nil || got.Note.Value != money.Rupees(500) {
		t.Errorf("power-up poll = %v, want cleared ₹500 into cashbox", evs)
	}
}

// TestOverPTY runs the driver and the simulator on the two ends of a real
// pseudo-terminal in raw mode, as a USB-serial acceptor would appear.
func TestOverPTY(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	if err := makeRaw(slave); err != nil {
		t.Fatal(err)
	}
	sim := esspsim.New(master, esspsim.Opts{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); sim.Serve(ctx) }()
	d, err := essp.New(slave, &essp.Opts{ReplyTimeout: time.Second, Retries: 3})
	if err != nil {
		t.Fatalf("New over pty = %v", err)
	}
	d.Enable(context.Background(), nil)
	sim.Insert(money.Rupees(100))
	pollUntil(t, d, cash.Escrowed)
	d.Accept(context.Background())
	pollUntil(t, d, cash.Stacked)
	cancel()
	// Hanging up the line (closing the device end) makes the simulator's
	// blocked read fail with EIO, so it returns.
	slave.Close()
	wg.Wait()
}
