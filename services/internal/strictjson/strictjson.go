// Package strictjson decodes exactly one JSON value with no unknown fields
// and nothing after it. The sandbox back-ends read requests with it and the
// status client reads answers with it, so that a misspelt field (an
// "amount" or "next_date" decoding as its zero value) or a second value
// glued to the first is an error rather than a silent default.
package strictjson

import (
	"encoding/json"
	"errors"
	"io"
)

// ErrTrailing is the error for data after the JSON value.
var ErrTrailing = errors.New("trailing data after the JSON value")

// Decode decodes exactly one JSON value from r into v: unknown fields are
// an error, and so is anything but white space after the value.
func Decode(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrTrailing
	}
	return nil
}
