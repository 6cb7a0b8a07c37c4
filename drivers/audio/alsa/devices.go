package alsa

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mitra-kiosk/mitra/drivers/audio"
)

// Where devices are found; variables for testing.
var (
	devSndDir = "/dev/snd"           // device nodes, made by devtmpfs without udev
	procCards = "/proc/asound/cards" // card numbers, ids and names
)

// Device is a PCM playback device node.
type Device struct {
	// Card is the sound card; only Number is set when /proc/asound/cards
	// does not list it.
	Card Card
	// Number is the PCM device number on the card.
	Number int
	Path   string // /dev/snd/pcmC<card>D<device>p
}

// Card is one card of /proc/asound/cards.
type Card struct {
	Number   int
	ID       string // short id, e.g. "PCH", "Headphones", "Device"
	Driver   string // e.g. "HDA-Intel", "USB-Audio", "bcm2835_headpho"
	Name     string // e.g. "HDA Intel PCH"
	LongName string // the second line, e.g. "C-Media USB Audio at usb-0000:00:14.0-2, full speed"
}

var pcmNode = regexp.MustCompile(`^pcmC([0-9]+)D([0-9]+)p$`)

// Devices lists the PCM playback devices, sorted by card and device. It
// returns an error wrapping audio.ErrNoDevice when there are none.
func Devices() ([]Device, error) {
	ents, err := os.ReadDir(devSndDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("alsa: %w", err)
	}
	var devs []Device
	for _, e := range ents {
		m := pcmNode.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		card, _ := strconv.Atoi(m[1])
		dev, _ := strconv.Atoi(m[2])
		devs = append(devs, Device{Card: Card{Number: card}, Number: dev, Path: filepath.Join(devSndDir, e.Name())})
	}
	if len(devs) == 0 {
		return nil, fmt.Errorf("%w: no ALSA playback device in %s (the amd64 gokrazy kernel has the HDA controller but no codec driver and no snd-usb-audio; the Pi kernel has the headphone jack and HDMI)", audio.ErrNoDevice, devSndDir)
	}
	sort.Slice(devs, func(i, j int) bool {
		if devs[i].Card.Number != devs[j].Card.Number {
			return devs[i].Card.Number < devs[j].Card.Number
		}
		return devs[i].Number < devs[j].Number
	})
	if f, err := os.Open(procCards); err == nil {
		cards, _ := ParseCards(f)
		f.Close()
		for i := range devs {
			for _, c := range cards {
				if c.Number == devs[i].Card.Number {
					devs[i].Card = c
				}
			}
		}
	}
	return devs, nil
}

// cardLine is the first line of a card in /proc/asound/cards, written by
// sound/core/init.c as "%2i [%-15s]: %s - %s": number, id, driver, name.
var cardLine = regexp.MustCompile(`^ ?([0-9]+) \[([^\]]*)\]: (.*?) - (.*)$`)

// ParseCards parses /proc/asound/cards. Each card is two lines: number, id,
// driver and name, then an indented long name. "--- no soundcards ---" is
// an empty list.
func ParseCards(r io.Reader) ([]Card, error) {
	var cards []Card
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if m := cardLine.FindStringSubmatch(line); m != nil {
			n, err := strconv.Atoi(m[1])
			if err != nil {
				return cards, fmt.Errorf("alsa: cards: %q: %w", line, err)
			}
			cards = append(cards, Card{Number: n, ID: strings.TrimSpace(m[2]), Driver: strings.TrimSpace(m[3]), Name: strings.TrimSpace(m[4])})
			continue
		}
		if len(cards) > 0 && strings.HasPrefix(line, "  ") && cards[len(cards)-1].LongName == "" {
			cards[len(cards)-1].LongName = strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		return cards, fmt.Errorf("alsa: cards: %w", err)
	}
	return cards, nil
}

// String names the device for logs and the technician menu.
func (d Device) String() string {
	if d.Card.Name != "" {
		return fmt.Sprintf("%s (card %d %q, device %d)", d.Path, d.Card.Number, d.Card.Name, d.Number)
	}
	return d.Path
}
