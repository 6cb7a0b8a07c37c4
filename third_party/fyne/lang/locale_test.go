package lang

import (
	"bytes"
	"log"
	"os"
	"testing"

	"github.com/jeandeaual/go-locale"
	"github.com/stretchr/testify/assert"
)

func TestSystemLocale(t *testing.T) {
	info, err := locale.GetLocale()
	if err != nil {
		// something not testable
		t.Log("Unable to run locale test because", err)
		return
	}

	if len(info) < 2 {
		info = "en_US"
	}

	loc := SystemLocale()
	assert.Equal(t, info[:2], loc.String()[:2])
}

// Mitra patch 7: the POSIX locale selects no language and logs no error.
func TestClosestSupportedLocalePOSIX(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	for _, locs := range [][]string{{"C"}, {"POSIX"}, {"C.UTF-8"}, {}} {
		assert.Equal(t, "en", closestSupportedLocale(locs).LanguageString(), "%q", locs)
	}
	assert.Equal(t, "de", closestSupportedLocale([]string{"C", "de-DE"}).LanguageString())
	assert.False(t, isPOSIXLocale("ca-ES"))
	assert.Empty(t, logged.String())
}
