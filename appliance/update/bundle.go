package update

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// Bundle wire format (all integers big-endian):
//
//	0   8  magic "MITRAUPD"
//	8   2  format version (1)
//	10  2  header length H
//	12  H  header (signed): see Header.marshal
//	12+H 64 Ed25519 signature over bytes 0 … 12+H
//	…      the root SquashFS, Header.RootLength bytes, then end of stream
const (
	bundleMagic    = "MITRAUPD"
	bundleVersion  = 1
	preambleLen    = 8 + 2 + 2
	maxHeaderLen   = 4096 // a header is ~100 bytes; the bound keeps a hostile length from allocating
	maxStringLen   = 256
	signatureLen   = ed25519.SignatureSize
	keyIDLen       = 8
	headerFixedLen = keyIDLen + 8 + sha256.Size + 8 + 2 + 2
)

// Header describes one bundle. It is signed: nothing in it is trusted
// before the signature checks out.
type Header struct {
	// KeyID names the signing key (the first 8 bytes of the SHA-256 of
	// its public key), so a refusal can say which key signed it.
	KeyID [keyIDLen]byte
	// RootLength is the SquashFS size in bytes.
	RootLength uint64
	// RootSHA256 is the SHA-256 of the RootLength bytes that follow.
	RootSHA256 [sha256.Size]byte
	// Created is when the bundle was signed.
	Created time.Time
	// BuildID says which build this is (a commit, a version), shown in
	// logs and in the boot entry's title.
	BuildID string
	// Arch is GOARCH of the root's programs; a kiosk refuses another.
	Arch string
}

// Sentinel errors a caller (the HTTP handler, mitractl) branches on.
var (
	// ErrNotBundle means the stream does not start like a bundle at all
	// (a raw SquashFS, a disk image, an HTML error page).
	ErrNotBundle = errors.New("not a signed Mitra update bundle")
	// ErrSignature means the header is not signed by the trusted key.
	ErrSignature = errors.New("signature does not verify with the fleet key")
	// ErrRefused means the kiosk will not take this (valid) bundle: no
	// fleet key configured, another architecture, an older signing time,
	// a root on trial.
	ErrRefused = errors.New("refused")
	// ErrCorrupt means the root does not match the signed length or hash.
	ErrCorrupt = errors.New("root image is corrupt (does not match the signed hash)")
)

func (h *Header) marshal() ([]byte, error) {
	if len(h.BuildID) > maxStringLen || len(h.Arch) > maxStringLen {
		return nil, fmt.Errorf("update: header: build id or arch longer than %d bytes", maxStringLen)
	}
	b := make([]byte, 0, headerFixedLen+len(h.BuildID)+len(h.Arch))
	b = append(b, h.KeyID[:]...)
	b = binary.BigEndian.AppendUint64(b, h.RootLength)
	b = append(b, h.RootSHA256[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Created.Unix()))
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.BuildID)))
	b = append(b, h.BuildID...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.Arch)))
	b = append(b, h.Arch...)
	return b, nil
}

// parseHeader decodes a header body; it never trusts a length it has not
// checked against what is left.
func parseHeader(b []byte) (*Header, error) {
	var h Header
	if len(b) < keyIDLen+8+sha256.Size+8+2 {
		return nil, fmt.Errorf("update: header: %d bytes, too short", len(b))
	}
	copy(h.KeyID[:], b)
	b = b[keyIDLen:]
	h.RootLength = binary.BigEndian.Uint64(b)
	b = b[8:]
	copy(h.RootSHA256[:], b)
	b = b[sha256.Size:]
	h.Created = time.Unix(int64(binary.BigEndian.Uint64(b)), 0).UTC()
	b = b[8:]
	str := func(what string) (string, error) {
		if len(b) < 2 {
			return "", fmt.Errorf("update: header: %s: truncated", what)
		}
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if n > maxStringLen || n > len(b) {
			return "", fmt.Errorf("update: header: %s: length %d out of range", what, n)
		}
		s := string(b[:n])
		b = b[n:]
		return s, nil
	}
	var err error
	if h.BuildID, err = str("build id"); err != nil {
		return nil, err
	}
	if h.Arch, err = str("arch"); err != nil {
		return nil, err
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("update: header: %d trailing bytes", len(b))
	}
	return &h, nil
}

// WriteBundle writes a signed bundle of the root image (size bytes read
// from root) to w. It reads root twice (hash, then copy), so root must be
// seekable.
func WriteBundle(w io.Writer, root io.ReadSeeker, size int64, key ed25519.PrivateKey, buildID, arch string, created time.Time) (*Header, error) {
	h := &Header{KeyID: KeyID(key.Public().(ed25519.PublicKey)), RootLength: uint64(size), Created: created, BuildID: buildID, Arch: arch}
	hash := sha256.New()
	if _, err := io.CopyN(hash, root, size); err != nil {
		return nil, fmt.Errorf("update: bundle: hash root: %w", err)
	}
	copy(h.RootSHA256[:], hash.Sum(nil))
	body, err := h.marshal()
	if err != nil {
		return nil, err
	}
	signed := make([]byte, 0, preambleLen+len(body))
	signed = append(signed, bundleMagic...)
	signed = binary.BigEndian.AppendUint16(signed, bundleVersion)
	signed = binary.BigEndian.AppendUint16(signed, uint16(len(body)))
	signed = append(signed, body...)
	sig := ed25519.Sign(key, signed)
	if _, err := w.Write(append(signed, sig...)); err != nil {
		return nil, fmt.Errorf("update: bundle: %w", err)
	}
	if _, err := root.Seek(-size, io.SeekCurrent); err != nil {
		return nil, fmt.Errorf("update: bundle: %w", err)
	}
	if _, err := io.CopyN(w, root, size); err != nil {
		return nil, fmt.Errorf("update: bundle: copy root: %w", err)
	}
	return h, nil
}

// ReadHeader reads and verifies the signed header at the start of r with
// the trusted public key. On success r is positioned at the root image.
// It reads nothing beyond the header and its signature, so a refused
// bundle has cost no write.
func ReadHeader(r io.Reader, trusted ed25519.PublicKey) (*Header, error) {
	pre := make([]byte, preambleLen)
	if n, err := io.ReadFull(r, pre); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("update: %w: empty upload", ErrNotBundle)
		}
		return nil, fmt.Errorf("update: %w: %d bytes, shorter than a bundle header", ErrNotBundle, n)
	}
	if string(pre[:8]) != bundleMagic {
		return nil, fmt.Errorf("update: %w: starts with %q, want %q (sign the root with `mitractl bundle`; raw images and unsigned SquashFS files are refused)", ErrNotBundle, printable(pre[:8]), bundleMagic)
	}
	if v := binary.BigEndian.Uint16(pre[8:]); v != bundleVersion {
		return nil, fmt.Errorf("update: %w: format version %d, this kiosk reads version %d", ErrNotBundle, v, bundleVersion)
	}
	n := int(binary.BigEndian.Uint16(pre[10:]))
	if n < headerFixedLen || n > maxHeaderLen {
		return nil, fmt.Errorf("update: %w: header length %d out of range", ErrNotBundle, n)
	}
	rest := make([]byte, n+signatureLen)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, fmt.Errorf("update: %w: header or signature truncated: %v", ErrNotBundle, err)
	}
	signed := append(pre, rest[:n]...)
	sig := rest[n:]
	if len(trusted) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("update: no fleet public key configured: updates are refused")
	}
	if !ed25519.Verify(trusted, signed, sig) {
		msg := fmt.Sprintf("this kiosk trusts fleet key %s", hex.EncodeToString(keyIDOf(trusted)))
		// The key id is unauthenticated; it only makes the message useful.
		if n >= keyIDLen {
			if id := rest[:keyIDLen]; !bytes.Equal(id, keyIDOf(trusted)) {
				msg = fmt.Sprintf("bundle says it was signed by key %s; %s", hex.EncodeToString(id), msg)
			} else {
				msg += " and the bundle names it, so the header or signature was altered"
			}
		}
		return nil, fmt.Errorf("update: %w: %s", ErrSignature, msg)
	}
	return parseHeader(rest[:n])
}

func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}
