package sandboxfault

import "testing"

type mode string

func TestChoose(t *testing.T) {
	for _, tt := range []struct {
		in      mode
		allowed []mode
		want    mode
		wantErr string
	}{
		{"", []mode{"ok", "down"}, "ok", ""},
		{"down", []mode{"ok", "down"}, "down", ""},
		{"ok", []mode{"ok"}, "ok", ""},
		{"flaky", []mode{"ok", "down"}, "flaky", `"flaky": use ok or down`},
		{"flaky", []mode{"ok", "down", "slow"}, "flaky", `"flaky": use ok, down or slow`},
		{"OK", []mode{"ok", "down", "fail", "pending", "lost-reply"}, "OK", `"OK": use ok, down, fail, pending or lost-reply`},
		{"x", []mode{"ok"}, "x", `"x": use ok`},
	} {
		got, err := Choose(tt.in, tt.allowed...)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("Choose(%q, %v) = %q, %q; want %q, %q", tt.in, tt.allowed, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestPendingPolls(t *testing.T) {
	for _, tt := range []struct {
		in, want int
		wantErr  bool
	}{
		{0, 2, false},
		{1, 1, false},
		{5, 5, false},
		{-1, -1, true},
	} {
		got, err := PendingPolls(tt.in, 2)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("PendingPolls(%d, 2) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
