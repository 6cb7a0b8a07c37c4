package voice_test

import (
	"fmt"

	"github.com/mitra-kiosk/mitra/drivers/audio/wavsink"
	"github.com/mitra-kiosk/mitra/ui/i18n"
	"github.com/mitra-kiosk/mitra/ui/voice"
)

// A headless kiosk speaks into a wavsink; the appliance passes an
// alsa.Dev, the desktop a malgo.Player.
func ExampleSpeaker() {
	sink := wavsink.New(&wavsink.Opts{Keep: 10})
	sp := voice.New(sink, true)
	defer sp.Close()

	sp.SayScreen(i18n.Hindi, "cash") // the cash screen appeared
	sp.Wait()
	fmt.Println(voice.Screens["cash"].Text(i18n.English))
	fmt.Println(len(sink.Played()), "prompt played")
	fmt.Println("volume", sp.VolumeDown()) // says the prompt again, quieter
	// Output:
	// Insert notes. Insert notes of ₹10 to ₹2000, one at a time
	// 1 prompt played
	// volume 6
}
