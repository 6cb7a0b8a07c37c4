package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mitra-kiosk/mitra/appliance/update"
)

// defaultUpdatePort is where cmd/mitra-update listens on a kiosk.
const defaultUpdatePort = "7080"

// keygen writes a new fleet key pair.
func keygen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	priv := fs.String("key", "fleet.key", "private key file to create (keep it off kiosks)")
	pub := fs.String("pub", "fleet.pub", "public key file to create (bake it into images as /etc/mitra/fleet.pub)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	p, err := update.GenerateKeys(*priv, *pub)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "fleet key %s: private %s, public %s\n", update.KeyIDString(p), *priv, *pub)
	return 0
}

// bundle signs the root of a built disk image.
func bundle(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	image := fs.String("image", "", "disk image built by cmd/mitra-image (its root A is bundled)")
	key := fs.String("key", "fleet.key", "fleet private key")
	out := fs.String("o", "", "bundle file to write")
	buildID := fs.String("build-id", "", "build name shown on the kiosk (default: the image file name)")
	arch := fs.String("arch", "amd64", "GOARCH of the image")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *image == "" || *out == "" {
		fmt.Fprintln(stderr, "mitractl bundle: need -image IMG and -o OUT")
		return 2
	}
	if *buildID == "" {
		*buildID = strings.TrimSuffix(filepath.Base(*image), ".img")
	}
	h, err := writeBundle(*image, *key, *out, *buildID, *arch)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: root %d bytes, sha256 %x, signed by %x\n", *out, h.RootLength, h.RootSHA256, h.KeyID)
	return 0
}

func writeBundle(image, keyFile, out, buildID, arch string) (*update.Header, error) {
	key, err := update.LoadPrivateKey(keyFile)
	if err != nil {
		return nil, err
	}
	img, err := os.Open(image)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	off, n, err := update.RootOfDiskImage(img)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(out)
	if err != nil {
		return nil, err
	}
	h, err := update.WriteBundle(f, io.NewSectionReader(img, off, n), n, key, buildID, arch, time.Now())
	if err != nil {
		f.Close()
		os.Remove(out)
		return nil, err
	}
	return h, f.Close()
}

// pushUpdate sends a bundle to a kiosk and, with -wait, waits until the new
// root has blessed itself.
func pushUpdate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("update", flag.ContinueOnError)
	fs.SetOutput(stderr)
	image := fs.String("image", "", "signed bundle (mitractl bundle)")
	target := fs.String("target", "", "kiosk host or host:port (port "+defaultUpdatePort+" by default)")
	reboot := fs.Bool("reboot", true, "reboot into the new root once it is written")
	wait := fs.Duration("wait", 0, "after the reboot, wait up to this long for the new root to report healthy")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *image == "" || *target == "" {
		fmt.Fprintln(stderr, "mitractl update: need --image BUNDLE and --target HOST")
		return 2
	}
	base := "http://" + hostPort(*target)
	res, err := update.Push(base, *image, *reboot)
	if err != nil {
		fmt.Fprintf(stderr, "mitractl: update %s: %v\n", *target, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s\nupdate time (transfer+write+switch): %v\n", res.Message, res.Elapsed.Round(time.Millisecond))
	if *reboot && *wait > 0 {
		st, d, err := WaitBlessed(base, *wait)
		if err != nil {
			fmt.Fprintf(stderr, "mitractl: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "root %s healthy and kept (%s) %v after the update\n", st.Active, st.Entry, d.Round(time.Second))
	}
	return 0
}

func hostPort(target string) string {
	if _, _, err := net.SplitHostPort(target); err == nil {
		return target
	}
	return net.JoinHostPort(target, defaultUpdatePort)
}

// WaitBlessed polls the kiosk's status until the root it runs is blessed
// after having been on trial, or timeout passes; the kiosk is unreachable
// while it reboots.
func WaitBlessed(base string, timeout time.Duration) (*update.Status, time.Duration, error) {
	begin := time.Now()
	c := &http.Client{Timeout: 5 * time.Second}
	sawDown := false
	var last string
	for time.Since(begin) < timeout {
		st, err := update.GetStatus(c, base)
		if err != nil {
			sawDown = true
			time.Sleep(time.Second)
			continue
		}
		last = fmt.Sprintf("root %s, entry %s", st.Active, st.Entry)
		if sawDown && !st.Trial {
			return st, time.Since(begin), nil
		}
		time.Sleep(time.Second)
	}
	return nil, 0, fmt.Errorf("no blessed root after %v (last seen: %s)", timeout, last)
}
