package money

import "testing"

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		p    Paise
		want string
	}{
		{0, "₹0"},
		{Rupees(5), "₹5"},
		{Rupees(999), "₹999"},
		{Rupees(1000), "₹1,000"},
		{Rupees(125000), "₹1,25,000"},
		{Rupees(12345678), "₹1,23,45,678"},
		{12345, "₹123.45"},
		{5, "₹0.05"},
		{-Rupees(1500), "-₹1,500"},
	} {
		if got := Format(tt.p); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    Paise
		wantErr bool
	}{
		{"500", Rupees(500), false},
		{"500.5", 50050, false},
		{"500.05", 50005, false},
		{"0", 0, false},
		{"", 0, true},
		{"-5", 0, true},
		{"1,000", 0, true},
		{"5.123", 0, true},
		{"5.", 0, true},
		{"123456789", 0, true},
		{"१००", 0, true},
	} {
		got, err := Parse(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
