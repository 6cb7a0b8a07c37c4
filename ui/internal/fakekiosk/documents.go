package fakekiosk

import (
	"context"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/documents"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/status"
)

// The fake kiosk has no document back-end: like a real kiosk configured
// without one, it says so, and the UI must show that honestly.

// DocumentSpecs implements engine.Kiosk.
func (k *Kiosk) DocumentSpecs(context.Context) ([]documents.RefSpec, error) {
	return nil, engine.ErrServiceUnavailable
}

// FindDocument implements engine.Kiosk.
func (k *Kiosk) FindDocument(context.Context, documents.Kind, string) (documents.Document, error) {
	return documents.Document{}, engine.ErrServiceUnavailable
}

// DocumentCharge implements engine.Kiosk.
func (k *Kiosk) DocumentCharge(documents.Document) money.Paise { return 0 }

// OrderDocument implements engine.Kiosk.
func (k *Kiosk) OrderDocument(context.Context, documents.Document, ...string) (engine.CashPayment, error) {
	return nil, engine.ErrServiceUnavailable
}

// StatusSpecs implements engine.Kiosk.
func (k *Kiosk) StatusSpecs(context.Context) ([]status.RefSpec, error) {
	return nil, engine.ErrServiceUnavailable
}

// LookupStatus implements engine.Kiosk.
func (k *Kiosk) LookupStatus(context.Context, status.Kind, string, string) (status.Result, error) {
	return status.Result{}, engine.ErrServiceUnavailable
}

// PrintStatus implements engine.Kiosk.
func (k *Kiosk) PrintStatus(context.Context, status.Result) error {
	return engine.ErrServiceUnavailable
}

// PendingPrints implements engine.Kiosk: the fake prints everything.
func (k *Kiosk) PendingPrints() []engine.PendingPrint { return nil }

// Reprint implements engine.Kiosk.
func (k *Kiosk) Reprint(_ context.Context, txnID string) error {
	return fmt.Errorf("fake: nothing to reprint for %s", txnID)
}

// FindPensioner implements engine.Kiosk: the fake has no pension back-end.
func (k *Kiosk) FindPensioner(context.Context, string) (pension.Pensioner, error) {
	return pension.Pensioner{}, engine.ErrServiceUnavailable
}

// ScannerReady implements engine.Kiosk.
func (k *Kiosk) ScannerReady(context.Context) error { return engine.ErrServiceUnavailable }

// VerifyPension implements engine.Kiosk.
func (k *Kiosk) VerifyPension(context.Context, pension.Pensioner) (engine.LifeVerification, error) {
	return engine.LifeVerification{}, engine.ErrServiceUnavailable
}

// TechnicianReport implements engine.Kiosk with a fixed picture of a kiosk
// whose printer is out of paper and which owes one reprint.
func (k *Kiosk) TechnicianReport(context.Context) engine.TechnicianReport {
	return engine.TechnicianReport{KioskID: "RJ-TEST-0001", Version: "test",
		Devices: []engine.DeviceReport{{Name: "note acceptor", OK: true, Detail: "7 note channels"},
			{Name: "receipt printer", Detail: "out of paper"}},
		Pending: []engine.PendingPrint{{TxnID: "T-0001", Receipt: true}}}
}
