package billpay

import (
	"errors"
	"testing"
)

func TestValidateKNumber(t *testing.T) {
	jvvnl := Biller{ID: "JVVNL", RefPattern: "^[0-9]{12}$"}
	for _, tt := range []struct {
		ref string
		ok  bool
	}{
		{"210123456789", true},
		{"000000000000", true},
		{"21012345678", false},   // 11 digits
		{"2101234567890", false}, // 13 digits
		{"21012345678a", false},
		{"2101 2345 6789", false}, // grouping is display only
		{"२१०१२३४५६७८९", false},   // Devanagari digits are not accepted by the biller
		{"", false},
		{"210123456789\n", false},
	} {
		err := jvvnl.ValidateRef(tt.ref)
		if got := err == nil; got != tt.ok {
			t.Errorf("ValidateRef(%q) = %v, want ok=%v", tt.ref, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidRef) {
			t.Errorf("ValidateRef(%q) = %v, want it to wrap ErrInvalidRef", tt.ref, err)
		}
	}
	if err := (Biller{ID: "X", RefPattern: "("}).ValidateRef("1"); err == nil || errors.Is(err, ErrInvalidRef) {
		t.Errorf("a biller with a broken pattern: %v, want a configuration error", err)
	}
}
