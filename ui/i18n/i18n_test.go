package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogueComplete(t *testing.T) {
	if m := Missing(); len(m) > 0 {
		t.Errorf("missing translations: %v", m)
	}
}

// TestEveryKeyUsed fails on a key no UI source file mentions: a stale string
// is a translation nobody checks.
func TestEveryKeyUsed(t *testing.T) {
	files, _ := filepath.Glob("../*.go")
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		src.Write(b)
	}
	all := src.String()
	// built as prefix+code, or spoken only (ui/voice)
	dynamic := regexp.MustCompile(`^(problem|cat|svc|lang|spoken)\.`)
	for _, k := range Keys() {
		if dynamic.MatchString(k) {
			continue
		}
		if !strings.Contains(all, `"`+k+`"`) {
			t.Errorf("catalogue key %q is not used by ui/", k)
		}
	}
}

func TestT(t *testing.T) {
	if got := T(English, "nav.step", 2, 4); got != "Step 2 of 4" {
		t.Errorf("T(en, nav.step) = %q", got)
	}
	if got := T(Hindi, "nav.step", 2, 4); got != "चरण 2 / 4" {
		t.Errorf("T(hi, nav.step) = %q", got)
	}
	if got := T(Hindi, "no.such.key"); got != "⟦no.such.key⟧" {
		t.Errorf("T(missing) = %q", got)
	}
}
