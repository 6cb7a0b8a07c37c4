package flash

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	"unsafe"
)

const (
	// DefaultBufSize is the copy size: large enough that a USB stick or SD
	// reader sees long sequential writes, a multiple of every sector size.
	DefaultBufSize = 4 << 20
	// syncEvery bounds the dirty data in the page cache, so the progress
	// shows what reached the card rather than racing ahead and then
	// stalling in the final fsync.
	syncEvery = 64 << 20
	// bufAlign is the alignment O_DIRECT needs for buffers (the largest
	// logical block size in use, 4 KiB).
	bufAlign = 4096
)

// ErrMismatch is returned when the read-back differs from the image: the
// card is faulty or counterfeit, or was pulled out.
var ErrMismatch = errors.New("flash: verify: the disk does not read back what was written")

// Options tune Write. The zero value is useful: no progress, 4 MiB buffers.
type Options struct {
	// Progress receives the progress display; nil discards it.
	Progress io.Writer
	// IsTerminal redraws one progress line in place; otherwise a line is
	// written every 10 %, which suits logs.
	IsTerminal bool
	// BufSize is the copy buffer size; 0 means DefaultBufSize.
	BufSize int
	// Now is the clock for rates and ETAs; nil means time.Now.
	Now func() time.Time

	// wrap, when set, sits between the copy and the disk: the tests flip a
	// byte there to prove the verification catches it.
	wrap func(io.Writer) io.Writer
}

// Result is what Write did.
type Result struct {
	Bytes          int64
	ImageSHA256    string // hex
	ReadBackSHA256 string // hex
	WriteTime      time.Duration
	VerifyTime     time.Duration
	// ReadBack says how the page cache was bypassed for the verification.
	ReadBack string
	// RereadErr is why the kernel could not re-read the partition table
	// (not fatal: replugging the card does the same); nil on success and
	// for plain files.
	RereadErr error
}

// Write copies img to d, then:
//
//   - syncs the disk, every 64 MiB and at the end
//   - reads the written range back past the page cache and compares its
//     SHA-256 with the image's (ErrMismatch when they differ, with both
//     sums in the Result)
//   - asks the kernel to re-read the partition table of a block device
//
// d and img must come from Inspect and CheckImage.
func Write(ctx context.Context, img Image, d Disk, opts *Options) (Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	o := *opts
	if o.BufSize <= 0 {
		o.BufSize = DefaultBufSize
	}
	o.BufSize = (o.BufSize + bufAlign - 1) / bufAlign * bufAlign
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	buf := alignedBuf(o.BufSize)
	var r Result

	src, err := os.Open(img.Path)
	if err != nil {
		return r, fmt.Errorf("flash: open image: %w", err)
	}
	defer src.Close()
	dst, err := openTarget(d)
	if err != nil {
		return r, fmt.Errorf("flash: open %s: %w", d.Path, err)
	}
	defer dst.Close()

	start := o.Now()
	sum := sha256.New()
	var w io.Writer = dst
	if o.wrap != nil {
		w = o.wrap(dst)
	}
	p := newProgress("writing", img.Size, &o)
	var sinceSync int64
	for r.Bytes < img.Size {
		if err := ctx.Err(); err != nil {
			return r, fmt.Errorf("flash: write interrupted after %s: %w", mb(r.Bytes), err)
		}
		n, err := io.ReadFull(src, buf[:min(int64(len(buf)), img.Size-r.Bytes)])
		if err != nil {
			return r, fmt.Errorf("flash: read image at %d: %w", r.Bytes, err)
		}
		sum.Write(buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			return r, fmt.Errorf("flash: write %s at %d: %w (is the card write-protected or was it removed?)", d.Path, r.Bytes, err)
		}
		r.Bytes += int64(n)
		if sinceSync += int64(n); sinceSync >= syncEvery {
			if err := dst.Sync(); err != nil {
				return r, fmt.Errorf("flash: sync %s: %w", d.Path, err)
			}
			sinceSync = 0
		}
		p.update(r.Bytes)
	}
	if err := dst.Sync(); err != nil {
		return r, fmt.Errorf("flash: sync %s: %w", d.Path, err)
	}
	if err := dst.Close(); err != nil {
		return r, fmt.Errorf("flash: close %s: %w", d.Path, err)
	}
	p.done()
	r.WriteTime = o.Now().Sub(start)
	r.ImageSHA256 = hex.EncodeToString(sum.Sum(nil))

	start = o.Now()
	got, how, err := readBack(ctx, d, img.Size, buf, &o)
	if err != nil {
		return r, err
	}
	r.VerifyTime = o.Now().Sub(start)
	r.ReadBack = how
	r.ReadBackSHA256 = got
	if d.IsBlock {
		r.RereadErr = rereadPartitions(d)
	}
	if r.ReadBackSHA256 != r.ImageSHA256 {
		return r, ErrMismatch
	}
	return r, nil
}

// readBack hashes the first n bytes of d as the medium holds them.
func readBack(ctx context.Context, d Disk, n int64, buf []byte, o *Options) (sum, how string, err error) {
	f, how, err := openReadBack(d)
	if err != nil {
		return "", "", fmt.Errorf("flash: verify: open %s: %w", d.Path, err)
	}
	defer f.Close()
	h := sha256.New()
	p := newProgress("verifying", n, o)
	var done int64
	for done < n {
		if err := ctx.Err(); err != nil {
			return "", "", fmt.Errorf("flash: verify interrupted: %w", err)
		}
		// Whole aligned buffers even at the end: O_DIRECT reads must be
		// multiples of the sector size; the excess is not hashed.
		k, err := f.Read(buf)
		if k > 0 {
			h.Write(buf[:min(int64(k), n-done)])
			done += min(int64(k), n-done)
			p.update(done)
			continue
		}
		if err == io.EOF || err == nil {
			return "", "", fmt.Errorf("flash: verify: %s ends after %s of the %s written", d.Path, mb(done), mb(n))
		}
		return "", "", fmt.Errorf("flash: verify: read %s at %d: %w", d.Path, done, err)
	}
	p.done()
	return hex.EncodeToString(h.Sum(nil)), how, nil
}

// alignedBuf returns n bytes starting at a bufAlign boundary, as O_DIRECT
// requires.
func alignedBuf(n int) []byte {
	b := make([]byte, n+bufAlign)
	off := int(uintptr(unsafe.Pointer(&b[0])) & (bufAlign - 1))
	if off != 0 {
		off = bufAlign - off
	}
	return b[off : off+n : off+n]
}
