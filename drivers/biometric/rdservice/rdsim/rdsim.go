// Package rdsim is a simulated fingerprint scanner behind a Registered
// Device service: an http.Handler answering RDSERVICE, DEVICEINFO and
// CAPTURE exactly as drivers/biometric/rdservice expects from a real one,
// sealing each capture for the verifier's public key (pidseal). The
// "fingerprint" inside is random bytes: nothing biometric exists here.
//
// Faults: the scanner unplugged (NOTREADY, errCode 720), in use by another
// application (710), no finger placed in time (700), a finger not read well
// enough (730).
package rdsim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/pidseal"
)

// Fault is a condition of the simulated scanner.
type Fault string

const (
	NoFault     Fault = ""
	Unplugged   Fault = "unplugged"
	Busy        Fault = "busy"
	NoFinger    Fault = "no-finger"
	PoorQuality Fault = "poor-quality"
)

// Paths the simulated service announces.
const (
	InfoPath    = "/rd/info"
	CapturePath = "/rd/capture"
)

// Sim is a simulated RD service. Safe for concurrent use.
type Sim struct {
	verifier *rsa.PublicKey
	certID   string // ci: which verifier certificate sealed the key
	now      func() time.Time

	mu       sync.Mutex
	fault    Fault
	captures int
	lastOpts []byte
}

// New returns a simulated scanner sealing captures for verifier, whose
// certificate is named certID ("20261231" style, as UIDAI names them).
func New(verifier *rsa.PublicKey, certID string) *Sim {
	return &Sim{verifier: verifier, certID: certID, now: time.Now}
}

// SetFault switches a fault on (NoFault clears it).
func (s *Sim) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// SetClock sets the clock that stamps captures (tests of freshness).
func (s *Sim) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Captures counts the CAPTURE requests answered.
func (s *Sim) Captures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.captures
}

// LastOptions returns the last PidOptions body received.
func (s *Sim) LastOptions() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.lastOpts...)
}

const deviceInfo = `<DeviceInfo dpId="MITRA.SIM" rdsId="MITRA.SIM.RD.001" rdsVer="2.0.0" mi="SIMFP-1" mc="U0lNVUxBVEVELURFVklDRS1DRVJU" dc="8f1f6b4e-sim"><additional_info><Param name="srno" value="SIM0001"/></additional_info></DeviceInfo>`

// ServeHTTP implements http.Handler.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fault := s.fault
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	switch {
	case r.Method == "RDSERVICE" && r.URL.Path == "/":
		status := "READY"
		if fault == Unplugged {
			status = "NOTREADY"
		}
		fmt.Fprintf(w, `<RDService status="%s" info="Mitra simulated RD service"><Interface id="DEVICEINFO" path="%s"/><Interface id="CAPTURE" path="%s"/></RDService>`,
			status, InfoPath, CapturePath)
	case r.Method == "DEVICEINFO" && r.URL.Path == InfoPath:
		io.WriteString(w, deviceInfo)
	case r.Method == "CAPTURE" && r.URL.Path == CapturePath:
		s.capture(w, r, fault)
	default:
		http.Error(w, "not an RD service request", http.StatusMethodNotAllowed)
	}
}

func resp(w io.Writer, code int, info string) {
	fmt.Fprintf(w, `<PidData><Resp errCode="%d" errInfo="%s" fCount="0" fType="0" nmPoints="0" qScore="0"/>%s</PidData>`, code, info, deviceInfo)
}

func (s *Sim) capture(w http.ResponseWriter, r *http.Request, fault Fault) {
	opts, _ := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	var po struct {
		XMLName xml.Name `xml:"PidOptions"`
		Opts    struct {
			FCount string `xml:"fCount,attr"`
			Env    string `xml:"env,attr"`
			WADH   string `xml:"wadh,attr"`
		} `xml:"Opts"`
	}
	s.mu.Lock()
	s.captures++
	s.lastOpts = opts
	s.mu.Unlock()
	if err := xml.Unmarshal(opts, &po); err != nil || po.Opts.FCount == "" {
		resp(w, 770, "Invalid PidOptions input")
		return
	}
	switch fault {
	case Unplugged:
		resp(w, 720, "Device not ready")
		return
	case Busy:
		resp(w, 710, "Being used by another application")
		return
	case NoFinger:
		resp(w, 700, "Capture timed out")
		return
	case PoorQuality:
		resp(w, 730, "Capture Failed")
		return
	}
	s.mu.Lock()
	ts := s.now()
	s.mu.Unlock()
	template := make([]byte, 384) // stands in for an ISO FMR template
	rand.Read(template)
	pid := fmt.Sprintf(`<Pid ts="%s" ver="2.0" wadh="%s"><Bios dih=""><Bio type="FMR" posh="UNKNOWN">%s</Bio></Bios></Pid>`,
		ts.Format("2006-01-02T15:04:05"), po.Opts.WADH, base64.StdEncoding.EncodeToString(template))
	sealed, err := pidseal.Seal(s.verifier, []byte(pid), ts)
	clear(template)
	if err != nil {
		resp(w, 999, "Internal error")
		return
	}
	fmt.Fprintf(w, `<PidData><Resp errCode="0" errInfo="Success" fCount="1" fType="2" nmPoints="38" qScore="76"/>%s<Skey ci="%s">%s</Skey><Hmac>%s</Hmac><Data type="X">%s</Data></PidData>`,
		deviceInfo, s.certID, sealed.Skey, sealed.Hmac, sealed.Data)
}
