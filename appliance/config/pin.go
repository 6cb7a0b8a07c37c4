package config

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// The technician PIN is stored as a PBKDF2-SHA256 hash, never as the PIN:
// a config file copied off a kiosk must not open the menu of every other
// kiosk. Format: "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>".

const pinIterations = 200_000

// HashPIN returns the stored form of pin (for `mitractl pin-hash`).
func HashPIN(pin string) (string, error) { return HashPINCost(pin, pinIterations) }

// HashPINCost is HashPIN with a chosen iteration count (at least the 10 000
// that CheckPIN accepts). Tests use the minimum: every check of a
// 200 000-iteration hash costs seconds under the race detector.
func HashPINCost(pin string, iterations int) (string, error) {
	if iterations < 10_000 || iterations > 10_000_000 {
		return "", fmt.Errorf("config: PIN hash iterations %d outside 10000…10000000", iterations)
	}
	if len(pin) < 6 || strings.Trim(pin, "0123456789") != "" {
		return "", fmt.Errorf("config: a technician PIN is 6 or more digits")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	h, err := pbkdf2.Key(sha256.New, pin, salt, iterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", iterations, enc(salt), enc(h)), nil
}

// CheckPIN reports whether pin matches the stored hash. An empty or
// malformed hash matches nothing: without a configured PIN there is no
// technician menu.
func CheckPIN(stored, pin string) bool {
	iter, salt, want, ok := parsePINHash(stored)
	if !ok {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pin, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

func parsePINHash(s string) (iter int, salt, hash []byte, ok bool) {
	p := strings.Split(s, "$")
	if len(p) != 4 || p[0] != "pbkdf2-sha256" {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(p[1])
	if err != nil || iter < 10_000 || iter > 10_000_000 {
		return 0, nil, nil, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(p[2])
	hash, err2 := base64.RawStdEncoding.DecodeString(p[3])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(hash) < 16 {
		return 0, nil, nil, false
	}
	return iter, salt, hash, true
}
