package diag

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Memory is the kiosk program's resident memory and the machine's, read
// from procfs; fields are zero when unknown. A kiosk's resident memory that
// grows day by day is a leak a technician should report.
type Memory struct {
	KioskRSS  uint64 `json:"kiosk_rss_bytes,omitempty"` // VmRSS of the kiosk process
	Total     uint64 `json:"total_bytes,omitempty"`     // MemTotal
	Available uint64 `json:"available_bytes,omitempty"` // MemAvailable: what programs can still get
	Error     string `json:"error,omitempty"`
}

// lowMemoryPercent is the share of the machine's memory below which the
// kiosk risks the kernel's OOM killer (the Pi has no swap).
const lowMemoryPercent = 10

// readMemory reads proc/self/status and proc/meminfo.
func readMemory(proc string) Memory {
	if proc == "" {
		proc = "/proc"
	}
	var m Memory
	var errs []string
	if b, err := os.ReadFile(filepath.Join(proc, "self", "status")); err != nil {
		errs = append(errs, err.Error())
	} else {
		m.KioskRSS = procKB(b, "VmRSS")
	}
	if b, err := os.ReadFile(filepath.Join(proc, "meminfo")); err != nil {
		errs = append(errs, err.Error())
	} else {
		m.Total, m.Available = procKB(b, "MemTotal"), procKB(b, "MemAvailable")
	}
	m.Error = strings.Join(errs, "; ")
	return m
}

// procKB returns the value of a "Key:   1234 kB" line of a procfs file, in
// bytes; 0 when the key is missing or its value is not a number.
func procKB(file []byte, key string) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(file))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != key {
			continue
		}
		f := strings.Fields(value)
		if len(f) == 0 {
			return 0
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil || n > 1<<50 {
			return 0
		}
		if len(f) > 1 && f[1] == "kB" {
			n *= 1024
		}
		return n
	}
	return 0
}

// attention is the memory line for Report.Attention, or "".
func (m Memory) attention() string {
	if m.Total == 0 || m.Available == 0 || m.Available*100 >= m.Total*lowMemoryPercent {
		return ""
	}
	return fmt.Sprintf("memory: only %s of %s available (the kiosk uses %s)", size(m.Available), size(m.Total), size(m.KioskRSS))
}

// text is the memory line for WriteText.
func (m Memory) text() string {
	switch {
	case m.KioskRSS == 0 && m.Total == 0:
		return "not known: " + m.Error
	case m.Total == 0:
		return fmt.Sprintf("kiosk %s resident", size(m.KioskRSS))
	}
	return fmt.Sprintf("kiosk %s resident; %s of %s available", size(m.KioskRSS), size(m.Available), size(m.Total))
}
