package main

import (
	"context"
	"log"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/config"
	"github.com/mitra-kiosk/mitra/appliance/diag"
	"github.com/mitra-kiosk/mitra/appliance/engine"
)

// startDiag serves GET /v1/diag on addr (-diag) for `mitractl diag`. It
// starts before the display opens, because a kiosk waiting for its screen
// is exactly when a technician needs the report. It records on board the
// devices the engine does not check: those configured "none" and the UPS,
// for which this build has no driver.
func startDiag(ctx context.Context, addr string, cfg config.Config, eng *engine.Engine, board *diag.Board, state string, logger *log.Logger) error {
	if cfg.Devices.DocumentPrinter == "none" {
		board.Set("A4 printer", diag.Skipped, `not configured (document_printer = "none")`)
	}
	if cfg.Devices.FingerprintScanner == "none" {
		board.Set("fingerprint scanner", diag.Skipped, `not configured (fingerprint_scanner = "none")`)
	}
	board.Set("UPS", diag.Skipped, "not configured: this build has no UPS driver")
	if addr == "" {
		return nil
	}
	src := &diag.Source{Kiosk: eng, Board: board, StateDir: state, Started: time.Now()}
	a, err := diag.Serve(ctx, addr, cfg.Automation.Token, src)
	if err != nil {
		return err
	}
	logger.Printf("diag on http://%s%s", a, diag.Path)
	return nil
}
