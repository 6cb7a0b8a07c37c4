package fakekiosk

import (
	"context"

	"github.com/mitra-kiosk/mitra/appliance/engine"
	"github.com/mitra-kiosk/mitra/appliance/money"
	"github.com/mitra-kiosk/mitra/services/documents"
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
