package voice

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sync"

	"github.com/mitra-kiosk/mitra/ui/i18n"
)

// The generated prompts: prompts/<lang>/<id>.ima.deflate (appliance/speech's
// Encode: IMA ADPCM, then raw DEFLATE, RFC 1951) and prompts/manifest.json.
// `make voices` rewrites them.
//
//go:embed prompts
var promptFS embed.FS

// Where the generator writes, relative to this package's directory:
// PromptDir/ManifestName and PromptDir/<lang>/<id>PromptExt.
const (
	PromptDir    = "prompts"
	ManifestName = "manifest.json"
	PromptExt    = ".ima.deflate"
)

// Manifest records how every prompt file was made, so a test can tell when
// the catalogue changed under a recording.
type Manifest struct {
	// Generator is the synthesiser and its version, e.g. "espeak-ng 1.51".
	Generator string `json:"generator"`
	// Speed is the speaking rate in words per minute.
	Speed int `json:"speed"`
	// Rate is the sample rate of the files, Hz.
	Rate    int     `json:"rate"`
	Prompts []Entry `json:"prompts"`
}

// Entry is one recorded prompt.
type Entry struct {
	Lang  i18n.Lang `json:"lang"`
	ID    string    `json:"id"`
	Voice string    `json:"voice"`
	// Text is the catalogue text the prompt was made from (Prompt.Text).
	Text string `json:"text"`
	// Spoken is exactly what the synthesiser was given (Prompt.Spoken).
	Spoken string `json:"spoken"`
	// File is the path under PromptDir.
	File    string `json:"file"`
	Samples int    `json:"samples"`
	SHA256  string `json:"sha256"`
}

// ErrUnknownPrompt is returned for a prompt ID with no recording in a
// language.
var ErrUnknownPrompt = errors.New("voice: no such prompt")

var (
	manifestOnce sync.Once
	manifest     Manifest
	manifestErr  error
	byKey        map[string]Entry // lang + "/" + id
)

// EmbeddedManifest returns the manifest of the prompts built into the
// binary.
func EmbeddedManifest() (Manifest, error) {
	manifestOnce.Do(func() {
		b, err := promptFS.ReadFile(path.Join(PromptDir, ManifestName))
		if err != nil {
			manifestErr = fmt.Errorf("voice: %w", err)
			return
		}
		if err := json.Unmarshal(b, &manifest); err != nil {
			manifestErr = fmt.Errorf("voice: %s: %w", ManifestName, err)
			return
		}
		byKey = make(map[string]Entry, len(manifest.Prompts))
		for _, e := range manifest.Prompts {
			byKey[string(e.Lang)+"/"+e.ID] = e
		}
	})
	return manifest, manifestErr
}

// PromptFile returns the stored (compressed) recording of prompt id in lang,
// as appliance/speech's Decode reads it: the kiosk's speech.Library.
func PromptFile(lang i18n.Lang, id string) ([]byte, error) {
	if _, err := EmbeddedManifest(); err != nil {
		return nil, err
	}
	e, ok := byKey[string(lang)+"/"+id]
	if !ok {
		return nil, fmt.Errorf("%w: %s/%s", ErrUnknownPrompt, lang, id)
	}
	b, err := promptFS.ReadFile(path.Join(PromptDir, e.File))
	if err != nil {
		return nil, fmt.Errorf("voice: %w", err)
	}
	return b, nil
}
