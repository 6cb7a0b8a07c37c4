package speech_test

import (
	"errors"
	"fmt"

	"github.com/mitra-kiosk/mitra/appliance/speech"
	"github.com/mitra-kiosk/mitra/drivers/audio"
	"github.com/mitra-kiosk/mitra/drivers/audio/wavsink"
)

// A headless kiosk speaks into a wavsink; the appliance passes an
// alsa.Dev, the desktop a malgo.Player. The kiosk's Library is ui/voice's
// embedded recordings; this one holds a single half-second prompt.
func ExampleSpeaker() {
	rec, _ := speech.Encode(audio.Clip{Rate: 16000, Samples: make([]int16, 8000)})
	library := func(lang, id string) ([]byte, error) {
		if lang == "hi" && id == "cash.prompt" {
			return rec, nil
		}
		return nil, errors.New("no such prompt")
	}
	sink := wavsink.New(&wavsink.Opts{Keep: 10})
	sp := speech.New(sink, library, true)
	defer sp.Close()

	sp.Say("hi", "cash.prompt") // the cash screen appeared
	sp.Wait()
	fmt.Println(len(sink.Played()), "prompt played,", sink.Played()[0].Clip.Duration())
	fmt.Println("volume", sp.VolumeDown()) // says the prompt again, quieter
	// Output:
	// 1 prompt played, 500ms
	// volume 6
}
