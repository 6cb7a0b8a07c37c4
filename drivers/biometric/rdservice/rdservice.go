// Package rdservice drives a fingerprint scanner through UIDAI's Registered
// Device (RD) service protocol, version 2.0: the device vendor's service
// listens on a loopback port between 11100 and 11120 and answers three
// HTTP methods of its own:
//
//	RDSERVICE  /             → <RDService status="READY|USED|NOTREADY" info="…">
//	                             <Interface id="DEVICEINFO" path="…"/>
//	                             <Interface id="CAPTURE" path="…"/></RDService>
//	DEVICEINFO <info path>   → <DeviceInfo dpId rdsId rdsVer mi mc dc>…</DeviceInfo>
//	CAPTURE    <capture path>, body <PidOptions ver="1.0"><Opts …/></PidOptions>
//	                         → <PidData><Resp errCode errInfo fCount qScore …/>
//	                             <DeviceInfo …/><Skey ci>…</Skey><Hmac>…</Hmac>
//	                             <Data type="X">…</Data></PidData>
//
// The capture comes back sealed: the session key (Skey) is encrypted to the
// verifier's public key, the PID (the fingerprint and a timestamp) is
// encrypted with it, and Hmac binds the two. This package never opens it;
// it checks the envelope is whole and passes the exact bytes on.
//
// Error codes of Resp (the RD service specification's table): 0 success,
// 700 capture timed out, 710 device in use by another application, 720
// device not ready, 730 capture failed (a finger not read well enough),
// 740 device needs to be re-initialised, 750 inadequate information,
// 760 invalid URL, 770 invalid PidOptions, 780–799 option values the device
// does not support, 999 internal error.
//
// sim (drivers/biometric/rdservice/rdsim) is an RD service speaking the same
// protocol from the device's side, for tests and the kiosk's -sim mode.
package rdservice

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/mitra-kiosk/mitra/drivers/biometric"
)

// Ports is the range the specification gives RD services.
const (
	FirstPort = 11100
	LastPort  = 11120
)

// maxResponse bounds what is read from the service: a PID block is a few
// kilobytes; more is a broken or hostile service.
const maxResponse = 256 << 10

// Doer sends HTTP requests (an *http.Client).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Dev is a scanner behind an RD service.
type Dev struct {
	c     Doer
	hosts []string // "http://127.0.0.1:11100" … to search, in order

	mu      sync.Mutex
	base    string // the service found
	info    string // its DEVICEINFO path
	capture string // its CAPTURE path
}

var _ biometric.Scanner = (*Dev)(nil)

// New returns a driver that looks for the RD service on 127.0.0.1 ports
// 11100–11120, or at the given base URLs ("http://127.0.0.1:11101") when
// any are passed. Nothing is sent until Info or Capture.
func New(c Doer, bases ...string) *Dev {
	if len(bases) == 0 {
		for p := FirstPort; p <= LastPort; p++ {
			bases = append(bases, "http://127.0.0.1:"+strconv.Itoa(p))
		}
	}
	return &Dev{c: c, hosts: bases}
}

// ServiceStatus is an RDSERVICE answer.
type ServiceStatus struct {
	XMLName    xml.Name `xml:"RDService"`
	Status     string   `xml:"status,attr"`
	Info       string   `xml:"info,attr"`
	Interfaces []struct {
		ID   string `xml:"id,attr"`
		Path string `xml:"path,attr"`
	} `xml:"Interface"`
}

// deviceInfoXML is a DeviceInfo element.
type deviceInfoXML struct {
	XMLName    xml.Name `xml:"DeviceInfo"`
	DpID       string   `xml:"dpId,attr"`
	RdsID      string   `xml:"rdsId,attr"`
	RdsVer     string   `xml:"rdsVer,attr"`
	MI         string   `xml:"mi,attr"`
	MC         string   `xml:"mc,attr"`
	DC         string   `xml:"dc,attr"`
	Additional []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"additional_info>Param"`
}

func (d deviceInfoXML) device() biometric.DeviceInfo {
	out := biometric.DeviceInfo{Provider: d.DpID, Service: d.RdsID, Version: d.RdsVer, Model: d.MI, Serial: d.DC, Certificate: d.MC}
	for _, p := range d.Additional {
		if p.Name == "srno" && p.Value != "" {
			out.Serial = p.Value
		}
	}
	return out
}

// PidData is a CAPTURE answer.
type PidData struct {
	XMLName xml.Name `xml:"PidData"`
	Resp    struct {
		ErrCode  string `xml:"errCode,attr"`
		ErrInfo  string `xml:"errInfo,attr"`
		FCount   string `xml:"fCount,attr"`
		FType    string `xml:"fType,attr"`
		NmPoints string `xml:"nmPoints,attr"`
		QScore   string `xml:"qScore,attr"`
	} `xml:"Resp"`
	DeviceInfo deviceInfoXML `xml:"DeviceInfo"`
	Skey       struct {
		CI    string `xml:"ci,attr"`
		Value string `xml:",chardata"`
	} `xml:"Skey"`
	Hmac string `xml:"Hmac"`
	Data struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"Data"`
}

// DecodeServiceStatus parses an RDSERVICE answer.
func DecodeServiceStatus(b []byte) (ServiceStatus, error) {
	var s ServiceStatus
	if err := strictXML(b, &s); err != nil {
		return s, fmt.Errorf("rdservice: RDSERVICE answer: %w", err)
	}
	switch s.Status {
	case "READY", "USED", "NOTREADY":
	default:
		return s, fmt.Errorf("rdservice: RDSERVICE answer: unknown status %q", s.Status)
	}
	return s, nil
}

// DecodePidData parses and checks a CAPTURE answer. A successful one must
// carry a whole envelope: base64 Skey with its certificate id, Hmac and
// encrypted Data of type X (XML) or P (protobuf).
func DecodePidData(b []byte) (PidData, error) {
	var p PidData
	if err := strictXML(b, &p); err != nil {
		return p, fmt.Errorf("rdservice: CAPTURE answer: %w", err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(p.Resp.ErrCode))
	if err != nil {
		return p, fmt.Errorf("rdservice: CAPTURE answer: errCode %q is not a number", p.Resp.ErrCode)
	}
	if code != 0 {
		return p, captureError(code, p.Resp.ErrInfo)
	}
	for name, v := range map[string]string{"Skey": p.Skey.Value, "Hmac": p.Hmac, "Data": p.Data.Value} {
		if _, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v)); err != nil || strings.TrimSpace(v) == "" {
			return p, fmt.Errorf("rdservice: CAPTURE answer: %s is missing or not base64", name)
		}
	}
	switch {
	case p.Skey.CI == "":
		return p, errors.New("rdservice: CAPTURE answer: Skey has no certificate id (ci)")
	case p.Data.Type != "X" && p.Data.Type != "P":
		return p, fmt.Errorf("rdservice: CAPTURE answer: Data type %q (want X or P)", p.Data.Type)
	}
	return p, nil
}

// captureError maps a Resp error code to the device class's errors. The
// device's own text is kept for the technician, never shown raw to the
// citizen.
func captureError(code int, info string) error {
	var base error
	switch {
	case code == 700:
		base = biometric.ErrTimeout
	case code == 710:
		base = biometric.ErrBusy
	case code == 720:
		base = biometric.ErrNotReady
	case code == 730:
		base = biometric.ErrPoorQuality
	default:
		base = biometric.ErrDevice
	}
	return fmt.Errorf("%w (RD service error %d: %s)", base, code, info)
}

// strictXML decodes one element and refuses trailing content.
func strictXML(b []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return errors.New("text after the document element")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errors.New("content after the document element")
		}
	}
}

// call sends method to url with body and returns the answer's body.
func (d *Dev) call(ctx context.Context, method, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("Accept", "text/xml")
	resp, err := d.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResponse {
		return nil, fmt.Errorf("rdservice: %s answer larger than %d bytes", method, maxResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("rdservice: %s %s: HTTP %d", method, url, resp.StatusCode)
	}
	return b, nil
}

// find discovers the RD service (once; again after a failure) and returns
// its base URL and paths.
func (d *Dev) find(ctx context.Context) (base, info, capture string, err error) {
	d.mu.Lock()
	base, info, capture = d.base, d.info, d.capture
	d.mu.Unlock()
	if base != "" {
		return base, info, capture, nil
	}
	notReady := false
	for _, h := range d.hosts {
		b, err := d.call(ctx, "RDSERVICE", h+"/", nil)
		if err != nil {
			if ctx.Err() != nil {
				return "", "", "", ctx.Err()
			}
			continue // nothing on this port
		}
		s, err := DecodeServiceStatus(b)
		if err != nil {
			continue // not an RD service
		}
		if s.Status == "NOTREADY" {
			notReady = true
			continue
		}
		for _, i := range s.Interfaces {
			switch i.ID {
			case "DEVICEINFO":
				info = i.Path
			case "CAPTURE":
				capture = i.Path
			}
		}
		if info == "" || capture == "" || !strings.HasPrefix(info, "/") || !strings.HasPrefix(capture, "/") {
			continue
		}
		d.mu.Lock()
		d.base, d.info, d.capture = h, info, capture
		d.mu.Unlock()
		return h, info, capture, nil
	}
	if notReady {
		return "", "", "", fmt.Errorf("%w (the RD service says NOTREADY: is the scanner plugged in?)", biometric.ErrNotReady)
	}
	return "", "", "", fmt.Errorf("%w (no RD service answers on ports %d–%d)", biometric.ErrNotReady, FirstPort, LastPort)
}

// forget drops the found service, so the next call searches again (the
// service restarts on another port when the scanner is replugged).
func (d *Dev) forget() {
	d.mu.Lock()
	d.base, d.info, d.capture = "", "", ""
	d.mu.Unlock()
}

// Info implements biometric.Scanner.
func (d *Dev) Info(ctx context.Context) (biometric.DeviceInfo, error) {
	base, info, _, err := d.find(ctx)
	if err != nil {
		return biometric.DeviceInfo{}, err
	}
	b, err := d.call(ctx, "DEVICEINFO", base+info, nil)
	if err != nil {
		d.forget()
		return biometric.DeviceInfo{}, fmt.Errorf("%w: %v", biometric.ErrNotReady, err)
	}
	var di deviceInfoXML
	if err := strictXML(b, &di); err != nil {
		return biometric.DeviceInfo{}, fmt.Errorf("%w: DEVICEINFO answer: %v", biometric.ErrDevice, err)
	}
	return di.device(), nil
}

// PidOptions is the CAPTURE request body for opts.
func PidOptions(opts biometric.CaptureOptions) []byte {
	f := max(opts.Fingers, 1)
	timeout := opts.TimeoutMillis
	if timeout <= 0 {
		timeout = 10000
	}
	env := opts.Environment
	if env == "" {
		env = "P"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0"?><PidOptions ver="1.0"><Opts fCount="%d" fType="2" iCount="0" pCount="0" format="0" pidVer="2.0" timeout="%d" posh="UNKNOWN" env="%s"`, f, timeout, env)
	if opts.WADH != "" {
		b.WriteString(` wadh="`)
		xml.EscapeText(&b, []byte(opts.WADH))
		b.WriteString(`"`)
	}
	b.WriteString(`/></PidOptions>`)
	return b.Bytes()
}

// Capture implements biometric.Scanner.
func (d *Dev) Capture(ctx context.Context, opts biometric.CaptureOptions) (*biometric.PID, error) {
	base, _, capture, err := d.find(ctx)
	if err != nil {
		return nil, err
	}
	b, err := d.call(ctx, "CAPTURE", base+capture, PidOptions(opts))
	if err != nil {
		d.forget()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", biometric.ErrNotReady, err)
	}
	p, err := DecodePidData(b)
	if err != nil {
		for i := range b {
			b[i] = 0
		}
		return nil, err
	}
	q, _ := strconv.Atoi(p.Resp.QScore)
	n, _ := strconv.Atoi(p.Resp.FCount)
	return &biometric.PID{Raw: b, Quality: q, Fingers: n, Device: p.DeviceInfo.device()}, nil
}
