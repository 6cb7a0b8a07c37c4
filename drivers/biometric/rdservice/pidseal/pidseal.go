// Package pidseal seals and opens a PID block the way UIDAI's
// authentication API 2.5 prescribes, so that the RD service simulator
// (rdsim) seals captures exactly as a registered device does and the
// sandbox verifiers (services/pension/pensionsandbox) open them as UIDAI
// would:
//
//   - a fresh 256-bit session key per capture, encrypted to the verifier's
//     RSA public key with PKCS#1 v1.5 (Skey);
//   - the PID XML encrypted with AES-256-GCM under the session key, the
//     capture timestamp's last 12 bytes as nonce and last 16 as additional
//     data, the timestamp itself prefixed to the ciphertext (Data);
//   - the SHA-256 of the PID XML encrypted the same way (Hmac).
//
// The kiosk never calls Open: only verifiers hold the private key.
package pidseal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// tsLayout is the timestamp format of the API (19 bytes).
const tsLayout = "2006-01-02T15:04:05"

// Sealed is the envelope: base64 fields as they appear in PidData.
type Sealed struct {
	Skey, Hmac, Data string
}

func gcmFor(key []byte) (cipher.AEAD, error) {
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}

// Seal encrypts pidXML, captured at ts, for the holder of pub.
func Seal(pub *rsa.PublicKey, pidXML []byte, ts time.Time) (Sealed, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return Sealed{}, err
	}
	defer clear(key)
	skey, err := rsa.EncryptPKCS1v15(rand.Reader, pub, key)
	if err != nil {
		return Sealed{}, fmt.Errorf("pidseal: session key: %w", err)
	}
	stamp := []byte(ts.Format(tsLayout))
	aead, err := gcmFor(key)
	if err != nil {
		return Sealed{}, err
	}
	nonce, aad := stamp[len(stamp)-12:], stamp[len(stamp)-16:]
	data := append(append([]byte(nil), stamp...), aead.Seal(nil, nonce, pidXML, aad)...)
	sum := sha256.Sum256(pidXML)
	mac := aead.Seal(nil, nonce, sum[:], aad)
	enc := base64.StdEncoding.EncodeToString
	return Sealed{Skey: enc(skey), Hmac: enc(mac), Data: enc(data)}, nil
}

// ErrTampered means the envelope does not open or its parts disagree.
var ErrTampered = errors.New("pidseal: the PID block does not open or was altered")

// Open decrypts a sealed PID with the verifier's private key and checks
// its Hmac. It returns the PID XML and the capture time.
func Open(priv *rsa.PrivateKey, s Sealed) ([]byte, time.Time, error) {
	dec := base64.StdEncoding.DecodeString
	skey, err1 := dec(s.Skey)
	mac, err2 := dec(s.Hmac)
	data, err3 := dec(s.Data)
	if err1 != nil || err2 != nil || err3 != nil || len(data) < len(tsLayout)+16 {
		return nil, time.Time{}, ErrTampered
	}
	key, err := rsa.DecryptPKCS1v15(nil, priv, skey)
	if err != nil || len(key) != 32 {
		return nil, time.Time{}, ErrTampered
	}
	defer clear(key)
	stamp := data[:len(tsLayout)]
	ts, err := time.Parse(tsLayout, string(stamp))
	if err != nil {
		return nil, time.Time{}, ErrTampered
	}
	aead, err := gcmFor(key)
	if err != nil {
		return nil, time.Time{}, ErrTampered
	}
	nonce, aad := stamp[len(stamp)-12:], stamp[len(stamp)-16:]
	pid, err := aead.Open(nil, nonce, data[len(tsLayout):], aad)
	if err != nil {
		return nil, time.Time{}, ErrTampered
	}
	sum, err := aead.Open(nil, nonce, mac, aad)
	want := sha256.Sum256(pid)
	if err != nil || subtle.ConstantTimeCompare(sum, want[:]) != 1 {
		clear(pid)
		return nil, time.Time{}, ErrTampered
	}
	return pid, ts, nil
}
