// Package sandboxfault checks the fault injection settings of Mitra's
// sandbox back-ends (services/sandbox, services/documents/docsandbox,
// services/status/statussandbox). Each sandbox names its own faults ("pay",
// "order", "mode") and their values; this package gives them one rule for
// filling a default and refusing an unknown value, with the same message,
// so that a tester's typo in POST /sandbox/faults reads alike everywhere.
package sandboxfault

import (
	"fmt"
	"slices"
	"strings"
)

// Choose returns f, or allowed[0] (the no-fault value) when f is empty. Any
// other value is refused with the list of the allowed ones:
// `"flaky": use ok, down or slow`.
func Choose[F ~string](f F, allowed ...F) (F, error) {
	switch {
	case f == "":
		return allowed[0], nil
	case slices.Contains(allowed, f):
		return f, nil
	}
	return f, fmt.Errorf("%q: use %s", f, orList(allowed))
}

// orList joins values as prose: "ok", "ok or down", "ok, down or slow".
func orList[F ~string](values []F) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// PendingPolls returns how many status polls a PENDING record takes to
// succeed: n, or def when n is 0. A negative n is refused.
func PendingPolls(n, def int) (int, error) {
	switch {
	case n < 0:
		return n, fmt.Errorf("pending_polls %d: must be at least 1", n)
	case n == 0:
		return def, nil
	}
	return n, nil
}
