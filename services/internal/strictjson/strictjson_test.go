package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type payment struct {
	Key    string `json:"key"`
	Amount int    `json:"amount"`
}

func TestDecode(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     payment
		wantErr  bool
		trailing bool
	}{
		{name: "one value", in: `{"key":"K","amount":100}`, want: payment{"K", 100}},
		{name: "white space around", in: " \n{\"key\":\"K\"}\n\t ", want: payment{Key: "K"}},
		{name: "misspelt field", in: `{"key":"K","ammount":100}`, wantErr: true},
		{name: "wrong type", in: `{"key":"K","amount":"100"}`, wantErr: true},
		{name: "two values", in: `{"key":"K"}{"key":"L"}`, wantErr: true, trailing: true},
		{name: "garbage after", in: `{"key":"K"} x`, wantErr: true, trailing: true},
		{name: "stray bracket after", in: `{"key":"K"}]`, wantErr: true, trailing: true},
		{name: "cut short", in: `{"key":"K"`, wantErr: true},
		{name: "empty", in: ``, wantErr: true},
	} {
		var got payment
		err := Decode(strings.NewReader(tt.in), &got)
		if (err != nil) != tt.wantErr || errors.Is(err, ErrTrailing) != tt.trailing {
			t.Errorf("%s: Decode() error = %v, want error %v (trailing %v)", tt.name, err, tt.wantErr, tt.trailing)
			continue
		}
		if err == nil && got != tt.want {
			t.Errorf("%s: Decode() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(`{"key":"K","amount":100}`)
	f.Add(`{"key":"K"} {}`)
	f.Add(`{"key":"K","other":1}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, in string) {
		var got payment
		if Decode(strings.NewReader(in), &got) != nil {
			return
		}
		// Whatever is accepted is one valid JSON value that the lenient
		// standard decoder reads the same.
		var again payment
		if !json.Valid([]byte(in)) || json.Unmarshal([]byte(in), &again) != nil || again != got {
			t.Fatalf("accepted %q as %+v; json.Unmarshal gives %+v", in, got, again)
		}
	})
}
