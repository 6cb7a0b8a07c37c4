// Package money holds Mitra's one money type, an integer count of paise, and
// its formatting with Indian digit grouping (₹1,25,000.50).
//
// It is a leaf package with no imports from Mitra so that drivers, services,
// the engine and the UI can all share one unit without a float in sight.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// Paise is an amount of Indian rupees counted in paise (1 ₹ = 100 paise).
// The zero value is ₹0.
type Paise int64

// Rupees returns n whole rupees.
func Rupees(n int64) Paise { return Paise(n * 100) }

// WholeRupees reports the whole-rupee part of p (truncated toward zero).
func (p Paise) WholeRupees() int64 { return int64(p) / 100 }

// String formats p as "₹1,25,000.50", or "₹1,25,000" when there are no paise.
func (p Paise) String() string { return Format(p) }

// Format formats p with Indian digit grouping: the last three digits form a
// group, every group before them has two digits (₹12,34,567). Paise are shown
// only when non-zero.
func Format(p Paise) string {
	neg := p < 0
	if neg {
		p = -p
	}
	whole := strconv.FormatInt(int64(p)/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString("₹")
	b.WriteString(GroupIndian(whole))
	if frac := int64(p) % 100; frac != 0 {
		fmt.Fprintf(&b, ".%02d", frac)
	}
	return b.String()
}

// GroupIndian inserts Indian grouping commas into a string of decimal digits.
func GroupIndian(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	head, tail := digits[:len(digits)-3], digits[len(digits)-3:]
	var groups []string
	for len(head) > 2 {
		groups = append([]string{head[len(head)-2:]}, groups...)
		head = head[:len(head)-2]
	}
	if head != "" {
		groups = append([]string{head}, groups...)
	}
	return strings.Join(groups, ",") + "," + tail
}

// Parse parses "500", "500.5" or "500.50" rupees into paise. It rejects
// signs, grouping commas, more than two decimals and amounts above ₹1 crore,
// which no kiosk transaction reaches.
func Parse(s string) (Paise, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 8 || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("money: %q is not an amount in rupees like 500 or 500.50", s)
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("money: %q is not an amount in rupees like 500 or 500.50", s)
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	var f int64
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	return Paise(w*100 + f), nil
}
