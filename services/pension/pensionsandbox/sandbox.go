// Package pensionsandbox is the built-in life-certificate back-end: the
// pensioners of testdata/pension, a verifier that opens sealed PID blocks
// with its private key (as UIDAI would), and a durable ledger of
// certificates. It serves the HTTP API
//
//	POST /v1/pension/find                      {"ppo": "…"}  → Pensioner
//	POST /v1/pension/life-certificates         SubmitRequest → Certificate
//	GET  /v1/pension/life-certificates/{key}   → Certificate (404 + status UNKNOWN when none)
//	POST /sandbox/pension/faults               {"submit": "ok|down|lost-reply"}
//
// Whether a finger "matches" cannot be simulated honestly (there is no
// fingerprint, only random bytes), so the data says it per pensioner: a
// capture that opens, is fresh and belongs to a "match" pensioner is a
// match. What is real: the envelope is opened and checked, a stale or
// tampered block is refused, and the capture is dropped after the check —
// the ledger keeps the certificate, never the PID.
package pensionsandbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/pidseal"
	"github.com/mitra-kiosk/mitra/services/pension"
	"github.com/mitra-kiosk/mitra/services/sandbox"
)

// record is one pensioner in the data file.
type record struct {
	PPO           string `json:"ppo"`
	Name          string `json:"name"`
	Scheme        string `json:"scheme"`
	SchemeHi      string `json:"scheme_hi"`
	District      string `json:"district"`
	VerifiedUntil string `json:"verified_until"`
	Fingerprint   string `json:"fingerprint"` // "match" or "no-match"
}

// Sandbox is the life-certificate back-end. Safe for concurrent use.
type Sandbox struct {
	key  *rsa.PrivateKey
	now  func() time.Time
	data map[string]*record

	mu      sync.Mutex
	ledger  *os.File
	certs   map[string]pension.Certificate
	fault   string // "", "down", "lost-reply"
	nextSer int
}

var _ pension.Service = (*Sandbox)(nil)

// NewFromDir loads dataDir/pensioners.json and the ledger in stateDir. key
// is the verifier's private key: the scanner seals captures for its public
// half.
func NewFromDir(dataDir, stateDir string, key *rsa.PrivateKey, now func() time.Time) (*Sandbox, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "pensioners.json"))
	if err != nil {
		return nil, fmt.Errorf("pensionsandbox: %w", err)
	}
	var rs []*record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return nil, fmt.Errorf("pensionsandbox: pensioners.json: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	s := &Sandbox{key: key, now: now, data: map[string]*record{}, certs: map[string]pension.Certificate{}}
	for i, r := range rs {
		switch {
		case !pension.ValidPPO(r.PPO):
			return nil, fmt.Errorf("pensionsandbox: pensioners.json #%d: PPO %q is not 12 digits", i+1, r.PPO)
		case r.Fingerprint != "match" && r.Fingerprint != "no-match":
			return nil, fmt.Errorf("pensionsandbox: pensioners.json #%d: fingerprint %q: match or no-match", i+1, r.Fingerprint)
		case r.Name == "" || r.Scheme == "" || r.SchemeHi == "":
			return nil, fmt.Errorf("pensionsandbox: pensioners.json #%d: name and scheme (both languages) required", i+1)
		}
		if _, err := time.Parse("2006-01-02", r.VerifiedUntil); err != nil {
			return nil, fmt.Errorf("pensionsandbox: pensioners.json #%d: verified_until %q", i+1, r.VerifiedUntil)
		}
		s.data[r.PPO] = r
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("pensionsandbox: %w", err)
	}
	path := filepath.Join(stateDir, "life-certificates.jsonl")
	if old, err := os.ReadFile(path); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(old))
		for sc.Scan() {
			var c pension.Certificate
			if json.Unmarshal(sc.Bytes(), &c) != nil || c.IdempotencyKey == "" {
				continue // a torn last line: that submission was never answered
			}
			s.certs[c.IdempotencyKey] = c
			s.nextSer++
			if c.Status == pension.Success {
				s.data[c.PPO].VerifiedUntil = c.ValidUntil
			}
		}
	}
	s.ledger, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pensionsandbox: %w", err)
	}
	return s, nil
}

// Close closes the ledger.
func (s *Sandbox) Close() error { return s.ledger.Close() }

// SetFault sets the submit fault: "" or "ok", "down", "lost-reply".
func (s *Sandbox) SetFault(f string) error {
	switch f {
	case "", "ok", "down", "lost-reply":
	default:
		return fmt.Errorf("pensionsandbox: unknown fault %q (ok, down, lost-reply)", f)
	}
	s.mu.Lock()
	s.fault = strings.TrimPrefix(f, "ok")
	s.mu.Unlock()
	return nil
}

// Certificates lists every recorded submission.
func (s *Sandbox) Certificates() []pension.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []pension.Certificate
	for _, c := range s.certs {
		out = append(out, c)
	}
	return out
}

func (s *Sandbox) due(r *record) bool {
	until, _ := time.Parse("2006-01-02", r.VerifiedUntil)
	return s.now().After(until.AddDate(0, 0, -30)) // due from 1 November
}

// FindPensioner implements pension.Service.
func (s *Sandbox) FindPensioner(_ context.Context, ppo string) (pension.Pensioner, error) {
	ppo = pension.NormalizePPO(ppo)
	if !pension.ValidPPO(ppo) {
		return pension.Pensioner{}, fmt.Errorf("%w: a PPO number has 12 digits", pension.ErrInvalidRef)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.data[ppo]
	if !ok {
		return pension.Pensioner{}, fmt.Errorf("%w", pension.ErrNotFound)
	}
	p := pension.Pensioner{PPO: r.PPO, Name: sandbox.MaskName(r.Name), Scheme: r.Scheme, SchemeHi: r.SchemeHi,
		District: r.District, Due: s.due(r)}
	if !p.Due {
		p.VerifiedUntil = r.VerifiedUntil
	}
	return p, nil
}

var keyRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,80}$`)

// maxCaptureAge refuses a replayed capture.
const maxCaptureAge = 10 * time.Minute

// Submit implements pension.Service. The PID is opened, checked and
// dropped; only the answer is written to the ledger.
func (s *Sandbox) Submit(_ context.Context, req pension.SubmitRequest) (pension.Certificate, error) {
	defer clear(req.PID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault == "down" {
		return pension.Certificate{}, fmt.Errorf("pensionsandbox: %w (fault submit=down)", pension.ErrUnavailable)
	}
	if !keyRE.MatchString(req.IdempotencyKey) {
		return pension.Certificate{}, fmt.Errorf("pensionsandbox: bad idempotency key")
	}
	if old, ok := s.certs[req.IdempotencyKey]; ok {
		return old, nil
	}
	r, ok := s.data[pension.NormalizePPO(req.PPO)]
	if !ok {
		return pension.Certificate{}, pension.ErrNotFound
	}
	c := pension.Certificate{IdempotencyKey: req.IdempotencyKey, PPO: r.PPO, Status: pension.Failure}
	switch verdict := s.verify(req.PID); {
	case !s.due(r):
		c.ReasonCode, c.Reason = pension.AlreadyVerified, "a life certificate is valid until "+r.VerifiedUntil
	case verdict != nil:
		c.ReasonCode, c.Reason = pension.BadCapture, verdict.Error()
	case r.Fingerprint != "match":
		c.ReasonCode, c.Reason = pension.NoMatch, "the fingerprint did not match the pensioner's record"
	default:
		now := s.now()
		s.nextSer++
		sum := sha256.Sum256([]byte(req.IdempotencyKey))
		c.Status = pension.Success
		c.CertificateID = fmt.Sprintf("JP%s%06d%s", now.Format("0601"), s.nextSer, strings.ToUpper(hex.EncodeToString(sum[:2])))
		c.VerifiedOn = now.Format("2006-01-02")
		c.ValidUntil = fmt.Sprintf("%d-11-30", now.Year()+1)
		r.VerifiedUntil = c.ValidUntil
	}
	line, _ := json.Marshal(c)
	if _, err := s.ledger.Write(append(line, '\n')); err != nil {
		return pension.Certificate{}, fmt.Errorf("pensionsandbox: ledger: %w", err)
	}
	if err := s.ledger.Sync(); err != nil {
		return pension.Certificate{}, fmt.Errorf("pensionsandbox: ledger: %w", err)
	}
	s.certs[c.IdempotencyKey] = c
	if s.fault == "lost-reply" {
		return pension.Certificate{}, fmt.Errorf("pensionsandbox: %w: reply lost after the submission was recorded", pension.ErrUnavailable)
	}
	return c, nil
}

// verify opens the PidData's envelope and checks its freshness.
func (s *Sandbox) verify(pidData []byte) error {
	var p struct {
		Skey string `xml:"Skey"`
		Hmac string `xml:"Hmac"`
		Data string `xml:"Data"`
	}
	if err := xml.Unmarshal(pidData, &p); err != nil {
		return errors.New("the capture is not a PidData block")
	}
	pid, ts, err := pidseal.Open(s.key, pidseal.Sealed{Skey: strings.TrimSpace(p.Skey), Hmac: strings.TrimSpace(p.Hmac), Data: strings.TrimSpace(p.Data)})
	if err != nil {
		return err
	}
	defer clear(pid)
	if age := s.now().Sub(ts); age > maxCaptureAge || age < -maxCaptureAge {
		return fmt.Errorf("the capture is %v old", age.Round(time.Second))
	}
	if !bytes.Contains(pid, []byte(`<Bio type="FMR"`)) {
		return errors.New("the capture holds no fingerprint")
	}
	return nil
}

// CertificateStatus implements pension.Service.
func (s *Sandbox) CertificateStatus(_ context.Context, key string) (pension.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault == "down" {
		return pension.Certificate{}, fmt.Errorf("pensionsandbox: %w (fault submit=down)", pension.ErrUnavailable)
	}
	if c, ok := s.certs[key]; ok {
		return c, nil
	}
	return pension.Certificate{IdempotencyKey: key, Status: pension.Unknown}, nil
}

// Handler serves the HTTP API.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(w http.ResponseWriter, err error) {
		code, status := "UNAVAILABLE", http.StatusServiceUnavailable
		switch {
		case errors.Is(err, pension.ErrInvalidRef):
			code, status = "INVALID_REF", http.StatusBadRequest
		case errors.Is(err, pension.ErrNotFound):
			code, status = "NOT_FOUND", http.StatusNotFound
		case !errors.Is(err, pension.ErrUnavailable):
			code, status = "BAD_REQUEST", http.StatusBadRequest
		}
		reply(w, status, sandbox.APIError{Code: code, Message: err.Error()})
	}
	mux.HandleFunc("POST /v1/pension/find", func(w http.ResponseWriter, r *http.Request) {
		var q struct {
			PPO string `json:"ppo"`
		}
		if err := sandbox.DecodeRequest(r.Body, &q); err != nil {
			fail(w, err)
			return
		}
		p, err := s.FindPensioner(r.Context(), q.PPO)
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, p)
	})
	mux.HandleFunc("POST /v1/pension/life-certificates", func(w http.ResponseWriter, r *http.Request) {
		var req pension.SubmitRequest
		if err := sandbox.DecodeRequest(r.Body, &req); err != nil {
			fail(w, err)
			return
		}
		c, err := s.Submit(r.Context(), req)
		if err != nil && errors.Is(err, pension.ErrUnavailable) && strings.Contains(err.Error(), "reply lost") {
			// The submission stands; the connection drops without a reply.
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, herr := hj.Hijack(); herr == nil {
					conn.Close()
					return
				}
			}
		}
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, c)
	})
	mux.HandleFunc("GET /v1/pension/life-certificates/{key}", func(w http.ResponseWriter, r *http.Request) {
		c, err := s.CertificateStatus(r.Context(), r.PathValue("key"))
		if err != nil {
			fail(w, err)
			return
		}
		status := http.StatusOK
		if c.Status == pension.Unknown {
			status = http.StatusNotFound
		}
		reply(w, status, c)
	})
	mux.HandleFunc("POST /sandbox/pension/faults", func(w http.ResponseWriter, r *http.Request) {
		var f struct {
			Submit string `json:"submit"`
		}
		if err := sandbox.DecodeRequest(r.Body, &f); err != nil {
			fail(w, err)
			return
		}
		if err := s.SetFault(f.Submit); err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, f)
	})
	return mux
}
