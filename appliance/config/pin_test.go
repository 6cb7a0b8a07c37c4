package config

import (
	"strings"
	"testing"
)

func TestPIN(t *testing.T) {
	h, err := HashPIN("482913")
	if err != nil || !strings.HasPrefix(h, "pbkdf2-sha256$") || strings.Contains(h, "482913") {
		t.Fatalf("HashPIN = %q, %v", h, err)
	}
	if !CheckPIN(h, "482913") || CheckPIN(h, "482914") || CheckPIN("", "482913") || CheckPIN("482913", "482913") {
		t.Error("CheckPIN accepts or refuses the wrong PINs")
	}
	for _, bad := range []string{"1234", "12345a", ""} {
		if _, err := HashPIN(bad); err == nil {
			t.Errorf("HashPIN(%q) accepted", bad)
		}
	}
}
