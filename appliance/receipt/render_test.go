package receipt

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/money"
)

func sample(k Kind) Slip {
	return Slip{
		Kind: k, KioskID: "RJ-JPR-0001", KioskName: "e-Mitra Plus, Sanganer, Jaipur",
		Time: time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC), TxnID: "T-20261125-000042",
		Fields: []Field{
			{"Biller", "बिलर", "JVVNL"},
			{"K-number", "के-नंबर", "2101 2345 6789"},
			{"Bill no.", "बिल संख्या", "JV2611-0048213"},
		},
		Total:    money.Rupees(1239),
		QR:       "MITRA1|T-20261125-000042|JV2611-0048213|123900",
		FooterEn: "Keep this receipt.",
		FooterHi: "यह रसीद संभाल कर रखें।",
	}
}

func inkRows(img *image.Gray) int {
	rows := 0
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			if img.GrayAt(x, y).Y < 128 {
				rows++
				break
			}
		}
	}
	return rows
}

func TestRenderKinds(t *testing.T) {
	for _, k := range []Kind{PaymentReceipt, CreditSlip, Acknowledgement} {
		img, err := Render(sample(k), 576)
		if err != nil {
			t.Fatalf("Render(kind %d) = %v", k, err)
		}
		if img.Bounds().Dx() != 576 || img.Bounds().Dy() < 500 {
			t.Errorf("kind %d: page %v", k, img.Bounds())
		}
		if r := inkRows(img); r < 200 {
			t.Errorf("kind %d: only %d inked rows", k, r)
		}
	}
	if _, err := Render(Slip{Kind: 99}, 576); err == nil {
		t.Errorf("Render(unknown kind) succeeded")
	}
	// The IST time is on the slip: 06:30 UTC is 12:00 IST (checked by not
	// failing to render; the OCR check lives in the end-to-end test).
}

// TestQRDecodes reads the QR back with zbarimg, an independent decoder.
func TestQRDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("zbarimg missing in CI (apt zbar-tools)")
		}
		t.Skip("zbarimg not installed")
	}
	s := sample(CreditSlip)
	img, err := Render(s, 576)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slip.png")
	var buf bytes.Buffer
	png.Encode(&buf, img)
	os.WriteFile(path, buf.Bytes(), 0o644)
	out, err := exec.Command(zbar, "--nodbus", "--raw", "-q", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != s.QR {
		t.Errorf("QR reads %q, want %q", got, s.QR)
	}
}

func BenchmarkRenderReceipt(b *testing.B) {
	s := sample(PaymentReceipt)
	for b.Loop() {
		if _, err := Render(s, 576); err != nil {
			b.Fatal(err)
		}
	}
}
