package ui

import (
	"image"
	"os"
	"testing"

	"github.com/mitra-kiosk/mitra/ui/internal/fakekiosk"
)

// TestScreenshots writes PNGs of the main screens for a person to look at,
// when MITRA_SCREENSHOTS names a directory. The frames come from the
// headless framebuffer, i.e. what a display would show.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("MITRA_SCREENSHOTS")
	if dir == "" {
		t.Skip("set MITRA_SCREENSHOTS=dir to write screenshots")
	}
	h := start(t, fakekiosk.New(), harnessOpts{lang: "hi", size: image.Pt(1280, 800)})
	h.savePNG(dir + "/home-hi.png")
	h.press("English")
	h.savePNG(dir + "/home-en.png")
	h.press("हिन्दी")
	h.press("Pay bills")
	h.savePNG(dir + "/bills-hi.png")
	h.press("Electricity")
	h.savePNG(dir + "/biller-hi.png")
	h.press("JVVNL")
	h.must("POST", "/type", "text", "2101234")
	h.savePNG(dir + "/knumber-hi.png")
	h.press("Clear")
	h.must("POST", "/type", "text", fakekiosk.RefWithBill)
	h.press("Get bill")
	h.savePNG(dir + "/bill-hi.png")
	h.press("Pay by cash")
	h.press("₹500")
	h.savePNG(dir + "/cash-hi.png")
	h.press("₹2000")
	h.savePNG(dir + "/overpay-hi.png")
	h.press("English")
	h.savePNG(dir + "/overpay-en.png")
	h.press("Return note")
	h.press("₹500")
	h.press("₹200")
	h.press("₹50")
	h.waitScreen("done")
	h.savePNG(dir + "/done-en.png")
}
