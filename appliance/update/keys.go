package update

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
)

// PEM block types of the fleet key files. The payload is the raw key: the
// 32-byte seed for the private key, the 32-byte point for the public key.
const (
	privatePEMType = "MITRA FLEET PRIVATE KEY"
	publicPEMType  = "MITRA FLEET PUBLIC KEY"
)

// DefaultPublicKeyFile is where a kiosk image carries the fleet's public
// key. Without it the kiosk refuses every update.
const DefaultPublicKeyFile = "/etc/mitra/fleet.pub"

// KeyID is the short name of a public key: the first 8 bytes of its
// SHA-256, printed in hex by keygen and in refusals.
func KeyID(pub ed25519.PublicKey) [keyIDLen]byte {
	var id [keyIDLen]byte
	copy(id[:], keyIDOf(pub))
	return id
}

func keyIDOf(pub ed25519.PublicKey) []byte {
	s := sha256.Sum256(pub)
	return s[:keyIDLen]
}

// KeyIDString is KeyID in hex.
func KeyIDString(pub ed25519.PublicKey) string { return hex.EncodeToString(keyIDOf(pub)) }

// GenerateKeys writes a new fleet key pair: the private key to privFile
// (mode 0600, refused if it exists) and the public key to pubFile.
func GenerateKeys(privFile, pubFile string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("update: keygen: %w", err)
	}
	f, err := os.OpenFile(privFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("update: keygen: %w (an existing fleet key is never overwritten)", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: privatePEMType, Bytes: priv.Seed()}); err != nil {
		f.Close()
		return nil, fmt.Errorf("update: keygen: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("update: keygen: %w", err)
	}
	if err := os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: publicPEMType, Bytes: pub}), 0o644); err != nil {
		return nil, fmt.Errorf("update: keygen: %w", err)
	}
	return pub, nil
}

// LoadPrivateKey reads a private key file written by GenerateKeys.
func LoadPrivateKey(file string) (ed25519.PrivateKey, error) {
	b, err := readPEM(file, privatePEMType, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(b), nil
}

// LoadPublicKey reads a public key file written by GenerateKeys.
func LoadPublicKey(file string) (ed25519.PublicKey, error) {
	b, err := readPEM(file, publicPEMType, ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	return ed25519.PublicKey(b), nil
}

func readPEM(file, typ string, size int) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("update: key: %w", err)
	}
	blk, _ := pem.Decode(data)
	if blk == nil || blk.Type != typ {
		return nil, fmt.Errorf("update: key %s: no %q PEM block (is it the other half of the pair?)", file, typ)
	}
	if len(blk.Bytes) != size {
		return nil, fmt.Errorf("update: key %s: %d bytes, want %d", file, len(blk.Bytes), size)
	}
	return blk.Bytes, nil
}
