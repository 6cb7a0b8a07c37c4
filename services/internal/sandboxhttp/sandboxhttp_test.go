package sandboxhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var errRefused = errors.New("refused")

// item is a record of the test service; its Status is UNKNOWN when the
// service has no item under the key.
type item struct {
	Key    string `json:"key"`
	Status string `json:"status"`
}

type faults struct {
	Mode string `json:"mode"`
}

var api = &API{
	ErrorStatus: func(err error) (int, string) {
		if errors.Is(err, errRefused) {
			return http.StatusConflict, "REFUSED"
		}
		return http.StatusInternalServerError, "INTERNAL"
	},
	MaxBody:     64,
	Allowed:     map[string]string{"/items": "POST", "/faults": "GET, POST"},
	KeyRoutes:   "/items/",
	NoRoute:     "NO_ROUTE",
	WrongMethod: "WRONG_METHOD",
}

// service is a minimal idempotent service behind the shared handlers.
func service() http.Handler {
	items := map[string]item{}
	cur := faults{Mode: "ok"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /items", Create(api, func(it item) (item, bool, error) {
		if it.Key == "bad" {
			return item{}, false, errRefused
		}
		it.Status = "DONE"
		items[it.Key] = it
		return it, cur.Mode == "lost-reply", nil
	}))
	mux.HandleFunc("GET /items/{key}", ByKey(api, func(_ context.Context, key string) (item, error) {
		if key == "broken" {
			return item{}, errors.New("ledger unreadable")
		}
		if it, ok := items[key]; ok {
			return it, nil
		}
		return item{Key: key, Status: "UNKNOWN"}, nil
	}, func(it item) bool { return it.Status == "UNKNOWN" }))
	mux.HandleFunc("POST /count", Query(api, func(_ context.Context, q struct{ Status string }) (int, error) {
		n := 0
		for _, it := range items {
			if it.Status == q.Status {
				n++
			}
		}
		return n, nil
	}))
	mux.HandleFunc("GET /all", Reply(api, func(*http.Request) (int, error) { return len(items), nil }))
	mux.HandleFunc("GET /faults", Show(func() faults { return cur }))
	mux.HandleFunc("POST /faults", SetFaults(api, func(f faults) error {
		if f.Mode != "ok" && f.Mode != "lost-reply" {
			return errors.New("mode: use ok or lost-reply")
		}
		cur = f
		return nil
	}, func() faults { return cur }))
	mux.HandleFunc("/", api.Fallback)
	return mux
}

func TestRoutes(t *testing.T) {
	srv := httptest.NewServer(service())
	defer srv.Close()
	for _, tt := range []struct {
		method, path, body string
		wantStatus         int
		wantCode           string // of an error answer
		wantBody           string // of a success, when not ""
		wantAllow          string
	}{
		{"POST", "/items", `{"key":"K1"}`, 200, "", `{"key":"K1","status":"DONE"}`, ""},
		{"GET", "/items/K1", "", 200, "", `{"key":"K1","status":"DONE"}`, ""},
		{"GET", "/items/K2", "", 404, "", `{"key":"K2","status":"UNKNOWN"}`, ""},
		{"GET", "/items/broken", "", 500, "INTERNAL", "", ""},
		{"POST", "/items", `{"key":"bad"}`, 409, "REFUSED", "", ""},
		{"POST", "/items", `{"key":"K3","extra":1}`, 400, CodeBadRequest, "", ""},
		{"POST", "/items", `{"key":"K3"} {}`, 400, CodeBadRequest, "", ""},
		{"POST", "/items", `{"key":"` + strings.Repeat("x", 64) + `"}`, 400, CodeBadRequest, "", ""},
		{"POST", "/count", `{"Status":"DONE"}`, 200, "", "1", ""},
		{"GET", "/all", "", 200, "", "1", ""},
		{"GET", "/faults", "", 200, "", `{"mode":"ok"}`, ""},
		{"POST", "/faults", `{"mode":"maybe"}`, 400, CodeBadRequest, "", ""},
		{"POST", "/faults", `{"mode":"ok"}`, 200, "", `{"mode":"ok"}`, ""},
		{"GET", "/items", "", 405, "WRONG_METHOD", "", "POST"},
		{"DELETE", "/items/K1", "", 405, "WRONG_METHOD", "", "GET"},
		{"PUT", "/faults", "", 405, "WRONG_METHOD", "", "GET, POST"},
		{"GET", "/nowhere", "", 404, "NO_ROUTE", "", ""},
	} {
		name := fmt.Sprintf("%s %s %s", tt.method, tt.path, tt.body)
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := strings.TrimSpace(string(body))
		if resp.StatusCode != tt.wantStatus || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s = %d %s (%s), want %d", name, resp.StatusCode, got, resp.Header.Get("Content-Type"), tt.wantStatus)
		}
		if tt.wantCode != "" {
			var ae APIError
			if json.Unmarshal(body, &ae) != nil || ae.Code != tt.wantCode || ae.Message == "" {
				t.Errorf("%s: error body %s, want code %s and a message", name, got, tt.wantCode)
			}
		} else if tt.wantBody != "" && got != tt.wantBody {
			t.Errorf("%s: body %s, want %s", name, got, tt.wantBody)
		}
		if a := resp.Header.Get("Allow"); a != tt.wantAllow {
			t.Errorf("%s: Allow %q, want %q", name, a, tt.wantAllow)
		}
	}
}

// TestLostReply: under the lost-reply fault the record is committed and
// the client gets no answer at all.
func TestLostReply(t *testing.T) {
	srv := httptest.NewServer(service())
	defer srv.Close()
	c := srv.Client()
	post := func(path, body string) (*http.Response, error) {
		return c.Post(srv.URL+path, "application/json", strings.NewReader(body))
	}
	if resp, err := post("/faults", `{"mode":"lost-reply"}`); err != nil || resp.StatusCode != 200 {
		t.Fatalf("setting the fault: %v", err)
	}
	if resp, err := post("/items", `{"key":"L1"}`); err == nil {
		resp.Body.Close()
		t.Fatalf("POST under lost-reply answered %d, want no answer", resp.StatusCode)
	}
	resp, err := c.Get(srv.URL + "/items/L1")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET after a lost reply = %v, %v; want the committed item", resp, err)
	}
	resp.Body.Close()
}

func TestDropConnectionWithoutHijackAborts(t *testing.T) {
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("DropConnection on a recorder panicked with %v, want http.ErrAbortHandler", r)
		}
	}()
	DropConnection(httptest.NewRecorder())
}
