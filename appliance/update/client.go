package update

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// PushResult is a kiosk's answer to an accepted update.
type PushResult struct {
	Message string        // the kiosk's one-line report
	Elapsed time.Duration // transfer, write, fsync and switch, as the sender saw it
}

// Push PUTs the bundle file to a kiosk's endpoint at base
// (http://host:port). A refusal is an error carrying the kiosk's message.
func Push(base, bundleFile string, reboot bool) (*PushResult, error) {
	f, err := os.Open(bundleFile)
	if err != nil {
		return nil, fmt.Errorf("update: push: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("update: push: %w", err)
	}
	url := base + UpdatePath
	if !reboot {
		url += "?reboot=0"
	}
	req, err := http.NewRequest(http.MethodPut, url, f)
	if err != nil {
		return nil, fmt.Errorf("update: push: %w", err)
	}
	req.ContentLength = fi.Size()
	req.Header.Set("Content-Type", "application/octet-stream")
	begin := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("update: push: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	msg := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("refused by the kiosk (%s): %s", resp.Status, msg)
	}
	return &PushResult{Message: msg, Elapsed: time.Since(begin)}, nil
}

// GetStatus asks a kiosk which root it runs.
func GetStatus(c *http.Client, base string) (*Status, error) {
	resp, err := c.Get(base + StatusPath)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("update: status: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	var st Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return nil, fmt.Errorf("update: status: %w", err)
	}
	return &st, nil
}
