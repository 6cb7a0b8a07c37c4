package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/buildinfo"
	"github.com/mitra-kiosk/mitra/appliance/money"
)

// DeviceReport is one device or back-end as the technician menu shows it.
type DeviceReport struct {
	Name   string
	OK     bool
	Detail string
}

// TechnicianReport is what the technician menu shows: what this kiosk is,
// whether its devices and back-ends answer, and what the journal says.
type TechnicianReport struct {
	KioskID    string
	Version    string
	Devices    []DeviceReport
	Open       int      // transactions still open (acknowledged payments)
	Violations []string // money invariants broken (engine.Check)
	Attention  []string // notes of unknown fate: count the cashbox
	Pending    []PendingPrint
	Credits    int         // credit slips still owed
	CreditSum  money.Paise // their value
}

// TechnicianReport implements Kiosk. Each check has its own short timeout:
// a dead printer must not keep the menu from opening.
func (e *Engine) TechnicianReport(ctx context.Context) TechnicianReport {
	r := TechnicianReport{KioskID: e.cfg.KioskID, Version: buildinfo.String()}
	check := func(name string, f func(context.Context) (string, error)) {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		detail, err := f(cctx)
		if err != nil {
			r.Devices = append(r.Devices, DeviceReport{Name: name, Detail: err.Error()})
			return
		}
		r.Devices = append(r.Devices, DeviceReport{Name: name, OK: true, Detail: detail})
	}
	check("note acceptor", func(context.Context) (string, error) {
		d := e.cfg.Acceptor.Denominations()
		if len(d) == 0 {
			return "", fmt.Errorf("no note channels reported")
		}
		return fmt.Sprintf("%d note channels", len(d)), nil
	})
	check("receipt printer", func(ctx context.Context) (string, error) {
		if !e.devMu.TryLock() {
			return "in use by a transaction", nil
		}
		defer e.devMu.Unlock()
		st, err := e.cfg.Printer.Status(ctx)
		switch {
		case err != nil:
			return "", err
		case st.PaperOut:
			return "", fmt.Errorf("out of paper")
		case st.CoverOpen || st.Error:
			return "", fmt.Errorf("cover open or cutter error")
		case st.PaperLow:
			return "paper low", nil
		}
		return "ready", nil
	})
	if e.cfg.PagePrinter != nil {
		check("A4 printer", func(ctx context.Context) (string, error) {
			st, err := e.cfg.PagePrinter.Status(ctx)
			switch {
			case err != nil:
				return "", err
			case st.PaperOut:
				return "", fmt.Errorf("out of paper")
			case st.CoverOpen || st.Error:
				return "", fmt.Errorf("fault")
			}
			return "ready", nil
		})
	}
	if e.cfg.Scanner != nil {
		check("fingerprint scanner", func(ctx context.Context) (string, error) {
			info, err := e.cfg.Scanner.Info(ctx)
			if err != nil {
				return "", err
			}
			return info.Provider + " " + info.Model, nil
		})
	}
	check("bill gateway", func(ctx context.Context) (string, error) {
		bs, err := e.cfg.Bills.Billers(ctx, "")
		return fmt.Sprintf("%d billers", len(bs)), err
	})
	r.Open = len(e.openTxns())
	r.Violations, r.Attention, _ = Check(e.cfg.StateDir)
	r.Pending = e.PendingPrints()
	for _, c := range e.OutstandingCredits() {
		r.Credits++
		r.CreditSum += c.Amount
	}
	return r
}
