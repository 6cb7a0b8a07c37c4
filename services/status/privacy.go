package status

import (
	"strings"
	"unicode"
)

// MaskID masks all but the last four characters of an identifier with X,
// as Aadhaar-style prints do: "1089234567" → "XXXXXX4567". An identifier
// of four characters or fewer is masked whole: its tail would be all of it.
func MaskID(id string) string {
	r := []rune(id)
	keep := 4
	if len(r) <= keep {
		keep = 0
	}
	return strings.Repeat("X", len(r)-keep) + string(r[len(r)-keep:])
}

// IsMaskedName reports whether name is masked the way the back-ends mask
// names (services/sandbox.MaskName): every word keeps its first letter,
// with the vowel signs that belong to it, and the rest is asterisks —
// "R***** K****", "सु**** दे**".
func IsMaskedName(name string) bool {
	words := strings.Fields(name)
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		r := []rune(w)
		if r[0] == '*' {
			return false
		}
		i := 1
		for i < len(r) && (unicode.Is(unicode.Mn, r[i]) || unicode.Is(unicode.Mc, r[i])) {
			i++
		}
		if strings.Trim(string(r[i:]), "*") != "" {
			return false
		}
	}
	return true
}

// ContainsAadhaar reports whether s contains what may be an Aadhaar
// number: twelve digits (ASCII or Devanagari) not starting with 0 or 1 and
// passing the Verhoeff check, UIDAI's rules for a valid number, written
// plain or grouped 4-4-4 with spaces or hyphens, and not part of a longer
// run of digits. The checks keep out the other twelve-digit numbers of a
// status (a K-number, a roll number) nine times in ten; the rest are
// refused too, which is the side to err on.
func ContainsAadhaar(s string) bool {
	r := []rune(s)
	for i := range r {
		if i > 0 && isDigit(r[i-1]) {
			continue // not the start of a number
		}
		if digits, ok := aadhaarAt(r[i:]); ok && isAadhaar(digits) {
			return true
		}
	}
	return false
}

// aadhaarAt reads twelve digits from the start of r, written plain or with
// a space or hyphen after the fourth and the eighth, followed by a
// non-digit or the end.
func aadhaarAt(r []rune) ([]int, bool) {
	digits := make([]int, 0, 12)
	i := 0
	for len(digits) < 12 {
		if (len(digits) == 4 || len(digits) == 8) && i+1 < len(r) && (r[i] == ' ' || r[i] == '-') && isDigit(r[i+1]) {
			i++
		}
		if i >= len(r) || !isDigit(r[i]) {
			return nil, false
		}
		digits = append(digits, digitValue(r[i]))
		i++
	}
	if i < len(r) && isDigit(r[i]) {
		return nil, false
	}
	return digits, true
}

func isDigit(r rune) bool { return (r >= '0' && r <= '9') || (r >= '०' && r <= '९') }

func digitValue(r rune) int {
	if r >= '०' {
		return int(r - '०')
	}
	return int(r - '0')
}

// isAadhaar applies UIDAI's rules: the first digit is 2–9 and the last is
// the Verhoeff check digit of the other eleven.
func isAadhaar(digits []int) bool {
	return len(digits) == 12 && digits[0] >= 2 && verhoeffValid(digits)
}

// The Verhoeff scheme's tables: d is the multiplication table of the
// dihedral group D5, p the position-dependent permutation.
var (
	verhoeffD = [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

// verhoeffValid reports whether the last digit is the Verhoeff check
// digit of the others.
func verhoeffValid(digits []int) bool {
	c := 0
	for i := range digits {
		c = verhoeffD[c][verhoeffP[i%8][digits[len(digits)-1-i]]]
	}
	return c == 0
}
