package rdservice

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mitra-kiosk/mitra/drivers/biometric"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/pidseal"
	"github.com/mitra-kiosk/mitra/drivers/biometric/rdservice/rdsim"
)

var verifierKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

func newSim(t *testing.T) (*rdsim.Sim, *Dev) {
	t.Helper()
	sim := rdsim.New(&verifierKey.PublicKey, "20261231")
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, New(srv.Client(), srv.URL)
}

func TestCaptureIsSealedForTheVerifier(t *testing.T) {
	sim, dev := newSim(t)
	info, err := dev.Info(context.Background())
	if err != nil || info.Provider != "MITRA.SIM" || info.Serial != "SIM0001" {
		t.Fatalf("Info() = %+v, %v", info, err)
	}
	pid, err := dev.Capture(context.Background(), biometric.CaptureOptions{Fingers: 1, TimeoutMillis: 8000, Environment: "PP", WADH: "abc="})
	if err != nil {
		t.Fatal(err)
	}
	if pid.Quality != 76 || pid.Fingers != 1 || pid.Device.Model != "SIMFP-1" {
		t.Errorf("PID %v, device %+v", pid, pid.Device)
	}
	opts := string(sim.LastOptions())
	for _, want := range []string{`fCount="1"`, `timeout="8000"`, `env="PP"`, `wadh="abc="`, `pidVer="2.0"`} {
		if !strings.Contains(opts, want) {
			t.Errorf("PidOptions %s lacks %s", opts, want)
		}
	}
	// Only the verifier opens it, and it is a whole PID.
	p, err := DecodePidData(pid.Raw)
	if err != nil {
		t.Fatal(err)
	}
	xmlPID, _, err := pidseal.Open(verifierKey, pidseal.Sealed{Skey: p.Skey.Value, Hmac: p.Hmac, Data: p.Data.Value})
	if err != nil || !bytes.Contains(xmlPID, []byte(`<Bio type="FMR"`)) || !bytes.Contains(xmlPID, []byte(`wadh="abc="`)) {
		t.Errorf("opened PID %q, %v", xmlPID, err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	if _, _, err := pidseal.Open(other, pidseal.Sealed{Skey: p.Skey.Value, Hmac: p.Hmac, Data: p.Data.Value}); !errors.Is(err, pidseal.ErrTampered) {
		t.Errorf("opened with the wrong key: %v", err)
	}
	// A flipped byte in the data is caught.
	data := []byte(p.Data.Value)
	data[40] ^= 1
	if _, _, err := pidseal.Open(verifierKey, pidseal.Sealed{Skey: p.Skey.Value, Hmac: p.Hmac, Data: string(data)}); err == nil {
		t.Error("a tampered Data block opened")
	}
}

func TestFaults(t *testing.T) {
	sim, dev := newSim(t)
	for _, c := range []struct {
		fault rdsim.Fault
		want  error
	}{
		{rdsim.NoFinger, biometric.ErrTimeout},
		{rdsim.Busy, biometric.ErrBusy},
		{rdsim.PoorQuality, biometric.ErrPoorQuality},
		{rdsim.Unplugged, biometric.ErrNotReady},
	} {
		sim.SetFault(c.fault)
		pid, err := dev.Capture(context.Background(), biometric.CaptureOptions{})
		if !errors.Is(err, c.want) || pid != nil {
			t.Errorf("%s: Capture() = %v, %v; want %v", c.fault, pid, err, c.want)
		}
	}
	// Unplugged: discovery itself reports NOTREADY once the driver looks again.
	dev.forget()
	if _, err := dev.Info(context.Background()); !errors.Is(err, biometric.ErrNotReady) || !strings.Contains(err.Error(), "NOTREADY") {
		t.Errorf("Info() unplugged = %v", err)
	}
	sim.SetFault(rdsim.NoFault)
	if _, err := dev.Capture(context.Background(), biometric.CaptureOptions{}); err != nil {
		t.Errorf("after replugging: %v", err)
	}
}

func TestNoServiceAnywhere(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler()) // something else on the port
	defer srv.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	dev := New(srv.Client(), dead, srv.URL)
	if _, err := dev.Capture(context.Background(), biometric.CaptureOptions{}); !errors.Is(err, biometric.ErrNotReady) {
		t.Errorf("no service: %v", err)
	}
}

// The driver finds the service on the specification's port range.
func TestDiscoveryOnTheSpecPorts(t *testing.T) {
	var ln net.Listener
	for p := LastPort; p >= FirstPort && ln == nil; p-- {
		ln, _ = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	}
	if ln == nil {
		t.Skip("every port 11100–11120 is taken on this machine")
	}
	sim := rdsim.New(&verifierKey.PublicKey, "20261231")
	srv := &http.Server{Handler: sim}
	go srv.Serve(ln)
	defer srv.Close()
	dev := New(http.DefaultClient)
	if _, err := dev.Info(context.Background()); err != nil {
		t.Fatalf("Info() with the service on %s: %v", ln.Addr(), err)
	}
}

func TestPIDNeverPrints(t *testing.T) {
	_, dev := newSim(t)
	pid, err := dev.Capture(context.Background(), biometric.CaptureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := DecodePidData(pid.Raw)
	secret := p.Data.Value[:24]
	js, _ := json.Marshal(struct{ P *biometric.PID }{pid})
	for _, s := range []string{fmt.Sprint(pid), fmt.Sprintf("%+v %#v %s %x", pid, pid, pid, pid), string(js)} {
		if strings.Contains(s, secret) || strings.Contains(s, "PidData") {
			t.Errorf("a PID printed its capture: %s", s)
		}
	}
	pid.Wipe()
	if pid.Raw != nil {
		t.Error("Wipe left the bytes")
	}
}

func TestDecodeRefusesBrokenEnvelopes(t *testing.T) {
	good := `<PidData><Resp errCode="0" errInfo="Success" fCount="1" qScore="70"/><DeviceInfo dpId="X"/><Skey ci="1">QUJD</Skey><Hmac>QUJD</Hmac><Data type="X">QUJD</Data></PidData>`
	if _, err := DecodePidData([]byte(good)); err != nil {
		t.Fatalf("good envelope: %v", err)
	}
	for name, bad := range map[string]string{
		"no Skey":      strings.Replace(good, `<Skey ci="1">QUJD</Skey>`, "", 1),
		"no ci":        strings.Replace(good, `ci="1"`, "", 1),
		"bad base64":   strings.Replace(good, `<Hmac>QUJD</Hmac>`, `<Hmac>!!</Hmac>`, 1),
		"data type":    strings.Replace(good, `type="X"`, `type="Q"`, 1),
		"errCode text": strings.Replace(good, `errCode="0"`, `errCode="zero"`, 1),
		"trailing":     good + "<PidData/>",
		"not xml":      "{}",
	} {
		if _, err := DecodePidData([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := DecodeServiceStatus([]byte(`<RDService status="MAYBE"/>`)); err == nil {
		t.Error("unknown status accepted")
	}
}

func FuzzDecodePidData(f *testing.F) {
	f.Add([]byte(`<PidData><Resp errCode="0" errInfo="Success" fCount="1" qScore="70"/><DeviceInfo dpId="X"/><Skey ci="1">QUJD</Skey><Hmac>QUJD</Hmac><Data type="X">QUJD</Data></PidData>`))
	f.Add([]byte(`<PidData><Resp errCode="720" errInfo="Device not ready"/></PidData>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodePidData(b)
		if err == nil && (p.Skey.CI == "" || p.Hmac == "" || p.Data.Value == "") {
			t.Errorf("accepted an envelope with a missing part: %q", b)
		}
	})
}

func FuzzDecodeServiceStatus(f *testing.F) {
	f.Add([]byte(`<RDService status="READY" info="x"><Interface id="CAPTURE" path="/c"/></RDService>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeServiceStatus(b)
		if err == nil && s.Status != "READY" && s.Status != "USED" && s.Status != "NOTREADY" {
			t.Errorf("accepted status %q", s.Status)
		}
	})
}

func BenchmarkCaptureRoundTrip(b *testing.B) {
	sim := rdsim.New(&verifierKey.PublicKey, "20261231")
	srv := httptest.NewServer(sim)
	defer srv.Close()
	dev := New(srv.Client(), srv.URL)
	for b.Loop() {
		pid, err := dev.Capture(context.Background(), biometric.CaptureOptions{})
		if err != nil {
			b.Fatal(err)
		}
		pid.Wipe()
	}
}

func BenchmarkDecodePidData(b *testing.B) {
	sim := rdsim.New(&verifierKey.PublicKey, "20261231")
	srv := httptest.NewServer(sim)
	defer srv.Close()
	pid, err := New(srv.Client(), srv.URL).Capture(context.Background(), biometric.CaptureOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pid.Raw)))
	for b.Loop() {
		if _, err := DecodePidData(pid.Raw); err != nil {
			b.Fatal(err)
		}
	}
}
