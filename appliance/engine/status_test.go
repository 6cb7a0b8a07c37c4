package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/cash/essp/esspsim"
	"github.com/mitra-kiosk/mitra/drivers/printer"
	"github.com/mitra-kiosk/mitra/services/status"
)

func grievanceResult() status.Result {
	return status.Result{Kind: status.Grievance, Ref: "2026-JPR-0123456",
		Title: "Street light not working, ward 23, Sanganer", TitleHi: "वार्ड 23, सांगानेर में स्ट्रीट लाइट खराब",
		Holder: "R***** K****",
		Status: status.Text{Code: status.InProgress, Text: "Forwarded to Assistant Engineer, JVVNL Sanganer",
			TextHi: "सहायक अभियंता, जेवीवीएनएल सांगानेर को भेजी गई"},
		Office:   status.Office{Name: "Assistant Engineer, JVVNL Sanganer", NameHi: "सहायक अभियंता, जेवीवीएनएल सांगानेर"},
		Timeline: []status.Event{{Date: "2026-11-02", Text: "Grievance registered", TextHi: "शिकायत दर्ज"}}}
}

func TestPrintStatusSlip(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	res := grievanceResult()
	if err := res.Validate(); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if err := r.e.PrintStatus(context.Background(), res); err != nil {
		t.Fatal(err)
	}
	if got := r.pr.Printed(); len(got) != 1 {
		t.Fatalf("printed %v; want the status slip", got)
	}
	list, _, _ := ListTransactions(r.state)
	if len(list) != 1 || list[0].Kind != kindStatusPrint || list[0].Phase != PhaseDone || list[0].Stacked != 0 {
		t.Errorf("journal %+v; want one finished status print", list)
	}
	// The journal keeps the printable reference, not the answer.
	segs, _ := filepath.Glob(filepath.Join(r.state, "journal", "journal-*.log"))
	for _, s := range segs {
		b, _ := os.ReadFile(s)
		if strings.Contains(string(b), "R***** K****") || strings.Contains(string(b), "Street light") {
			t.Errorf("%s holds the status answer", s)
		}
	}

	// Paper out: a clear error, journaled, nothing owed.
	r.pr.SetPaperOut(true)
	if err := r.e.PrintStatus(context.Background(), res); !errors.Is(err, printer.ErrPaperOut) {
		t.Errorf("paper out: %v; want ErrPaperOut", err)
	}
	res.Holder = "Ramesh Kumar"
	if err := r.e.PrintStatus(context.Background(), res); err == nil {
		t.Error("an unmasked holder was printed")
	}
	checkClean(t, r.state)
}

func TestStatusUnavailableWithoutBackend(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	if _, err := r.e.LookupStatus(context.Background(), status.Grievance, "x", ""); !errors.Is(err, ErrServiceUnavailable) {
		t.Errorf("LookupStatus without a back-end: %v", err)
	}
}

func TestTechnicianReport(t *testing.T) {
	r := newRig(t, t.TempDir(), nil, esspsim.Opts{})
	rep := r.e.TechnicianReport(context.Background())
	if rep.KioskID != "RJ-JPR-0001" || len(rep.Devices) < 3 || rep.Open != 0 || len(rep.Violations) != 0 {
		t.Fatalf("report %+v", rep)
	}
	for _, d := range rep.Devices {
		if !d.OK {
			t.Errorf("%s not OK on a healthy rig: %s", d.Name, d.Detail)
		}
	}
	r.pr.SetPaperOut(true)
	rep = r.e.TechnicianReport(context.Background())
	found := false
	for _, d := range rep.Devices {
		if d.Name == "receipt printer" {
			found = !d.OK && strings.Contains(d.Detail, "paper")
		}
	}
	if !found {
		t.Errorf("paper out not reported: %+v", rep.Devices)
	}
}
