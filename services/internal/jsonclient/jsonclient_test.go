package jsonclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	errUnavailable = errors.New("test: unavailable")
	errNotFound    = errors.New("test: not found")
)

// testClient names the test's client, as each client package does.
type testClient struct{}

func (testClient) ClientName() string { return "testhttp" }

type testError = Error[testClient]

func sentinel(status int, code string) error {
	switch {
	case status >= 500:
		return errUnavailable
	case code == "NOT_FOUND":
		return errNotFound
	}
	return nil
}

var config = Config{MaxReply: 64, Unavailable: errUnavailable, Sentinel: sentinel}

// canned answers every request with one status and body, and keeps the
// request it saw.
type canned struct {
	status int
	body   string
	err    error
	seen   *http.Request
	sent   string
}

func (c *canned) RoundTrip(r *http.Request) (*http.Response, error) {
	c.seen = r
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		c.sent = string(b)
	}
	if c.err != nil {
		return nil, c.err
	}
	return &http.Response{StatusCode: c.status, Body: io.NopCloser(strings.NewReader(c.body)), Header: http.Header{}, Request: r}, nil
}

func TestDo(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes: too long to keep as a message, too long a reply
	for _, tt := range []struct {
		name      string
		cfg       func(*Config)
		base      string
		in        any
		transport canned
		wantOut   string
		wantErr   error  // errors.Is
		wantMsg   string // the error's message, when not ""
		wantCode  string // of a refusal
	}{
		{name: "200 decoded", transport: canned{status: 200, body: `{"v":"ok"}`}, wantOut: "ok"},
		{name: "200 with a body sent", in: map[string]int{"n": 1}, transport: canned{status: 200, body: `{"v":"ok"}`}, wantOut: "ok"},
		{name: "200 not JSON", transport: canned{status: 200, body: `<html>`}, wantErr: errUnavailable,
			wantMsg: "testhttp: GET /x: decoding the reply: test: unavailable: invalid character '<' looking for beginning of value"},
		{name: "refusal with a code", transport: canned{status: 404, body: `{"code":"NOT_FOUND","message":"no such thing"}`},
			wantErr: errNotFound, wantCode: "NOT_FOUND", wantMsg: "testhttp: GET /x: HTTP 404 NOT_FOUND: no such thing"},
		{name: "refusal without sentinel", transport: canned{status: 409, body: `{"code":"KEY_CONFLICT","message":"used"}`},
			wantCode: "KEY_CONFLICT", wantMsg: "testhttp: GET /x: HTTP 409 KEY_CONFLICT: used"},
		{name: "5xx proxy page", transport: canned{status: 502, body: " <h1>Bad Gateway</h1>\n"},
			wantErr: errUnavailable, wantMsg: "testhttp: GET /x: HTTP 502: <h1>Bad Gateway</h1>"},
		{name: "empty refusal says the status", transport: canned{status: 503}, wantErr: errUnavailable,
			wantMsg: "testhttp: GET /x: HTTP 503: Service Unavailable"},
		{name: "long page cut", cfg: func(c *Config) { c.MaxReply = 1 << 10 }, transport: canned{status: 500, body: strings.Repeat("é", 250)},
			wantErr: errUnavailable, wantMsg: "testhttp: GET /x: HTTP 500: " + strings.Repeat("é", 200) + "…"},
		{name: "invalid UTF-8 made printable", transport: canned{status: 500, body: "bad \xff byte"},
			wantErr: errUnavailable, wantMsg: "testhttp: GET /x: HTTP 500: bad ? byte"},
		{name: "reply too large", transport: canned{status: 200, body: long}, wantErr: errUnavailable,
			wantMsg: "testhttp: GET /x: reading the reply: test: unavailable: reply larger than 64 bytes"},
		{name: "transport error", transport: canned{err: errors.New("connection refused")}, wantErr: errUnavailable},
		{name: "unsendable request is plain", base: "http://bad host", transport: canned{status: 200}},
		{name: "unsendable request is unavailable when asked", base: "http://bad host", cfg: func(c *Config) { c.UnsentIsUnavailable = true },
			transport: canned{status: 200}, wantErr: errUnavailable},
		{name: "unencodable body", in: func() {}, transport: canned{status: 200}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			base := tt.base
			if base == "" {
				base = "http://backend.invalid/"
			}
			tr := tt.transport
			c := New[testClient](base, &http.Client{Transport: &tr}, cfg)
			var out struct{ V string }
			_, err := c.Do(context.Background(), http.MethodGet, "/x", tt.in, &out)
			wantFail := tt.wantErr != nil || tt.wantCode != "" || tt.wantMsg != "" || tt.wantOut == ""
			if (err != nil) != wantFail || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Do() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && errors.Is(err, errUnavailable) {
				t.Errorf("Do() error = %v wraps the unavailable sentinel", err)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("Do() error = %q, want %q", err, tt.wantMsg)
			}
			var te *testError
			if (tt.wantCode != "") != (errors.As(err, &te) && te.Code != "") || te != nil && te.Code != tt.wantCode {
				t.Errorf("Do() error = %#v, want a refusal with code %q", err, tt.wantCode)
			}
			if out.V != tt.wantOut {
				t.Errorf("decoded %q, want %q", out.V, tt.wantOut)
			}
			if r := tr.seen; r != nil {
				if r.URL.String() != "http://backend.invalid/x" || r.Header.Get("Accept") != "application/json" {
					t.Errorf("sent %s with Accept %q", r.URL, r.Header.Get("Accept"))
				}
				if ct := r.Header.Get("Content-Type"); (tt.in != nil) != (ct == "application/json") {
					t.Errorf("Content-Type %q for body %v", ct, tt.in)
				}
				if tt.in != nil && tr.sent != `{"n":1}` {
					t.Errorf("sent body %q", tr.sent)
				}
			}
		})
	}
}

// TestDoReturnsTheRefusedBody: a caller may read a refusal's body, as a
// status query reads the UNKNOWN answer of a 404.
func TestDoReturnsTheRefusedBody(t *testing.T) {
	tr := canned{status: 404, body: `{"key":"K","status":"UNKNOWN"}`}
	body, err := New[testClient]("http://backend.invalid", &http.Client{Transport: &tr}, config).Do(context.Background(), http.MethodGet, "/x", nil, nil)
	var te *testError
	if !errors.As(err, &te) || te.StatusCode != 404 || string(body) != tr.body {
		t.Errorf("Do() = %q, %v; want the body and a 404 refusal", body, err)
	}
}

func FuzzRefusal(f *testing.F) {
	f.Add(500, []byte(`{"code":"UNAVAILABLE","message":"down"}`))
	f.Add(404, []byte("<html>not found</html>"))
	f.Add(502, []byte("\xff\xfe"+strings.Repeat("x", 300)))
	c := New[testClient]("http://backend.invalid", nil, config)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := c.refusal("GET /x", status, body)
		if r.StatusCode != status || r.Op != "GET /x" {
			t.Fatalf("refusal %+v for status %d", r, status)
		}
		var ae struct{ Code, Message string }
		if json.Unmarshal(body, &ae) != nil {
			if !utf8.ValidString(r.Message) || utf8.RuneCountInString(r.Message) > maxMessage+1 {
				t.Fatalf("message %q: not valid UTF-8 or longer than %d characters", r.Message, maxMessage)
			}
		}
		if !errors.Is(r.sentinel, sentinel(status, r.Code)) {
			t.Fatalf("sentinel %v, want %v", r.sentinel, sentinel(status, r.Code))
		}
		_ = r.Error()
	})
}

func TestOnlyDefinite(t *testing.T) {
	sentinel := OnlyDefinite(map[Answer]error{{http.StatusNotFound, "NOT_FOUND"}: errNotFound}, errUnavailable)
	for _, tt := range []struct {
		status int
		code   string
		want   error
	}{
		{404, "NOT_FOUND", errNotFound},
		{404, "", errUnavailable},          // a bare 404 from a proxy or a wrong path
		{503, "NOT_FOUND", errUnavailable}, // the right code in the wrong status
		{400, "BAD_REQUEST", errUnavailable},
		{202, "", errUnavailable},
	} {
		if got := sentinel(tt.status, tt.code); got != tt.want {
			t.Errorf("OnlyDefinite(%d, %q) = %v, want %v", tt.status, tt.code, got, tt.want)
		}
	}
}
