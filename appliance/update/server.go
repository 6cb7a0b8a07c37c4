package update

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Paths of the kiosk's update endpoint.
const (
	UpdatePath = "/mitra/update"
	StatusPath = "/mitra/update/status"
)

// Status is what GET StatusPath answers.
type Status struct {
	Active  string   `json:"active"`  // "A" or "B"
	Entry   string   `json:"entry"`   // the running root's entry file
	Trial   bool     `json:"trial"`   // the running root is not yet blessed
	Entries []string `json:"entries"` // all Mitra entries, in boot order
}

// Handler serves the update endpoint:
//
//   - PUT UpdatePath with a bundle as the body: Install, then (unless
//     ?reboot=0) reboot through the loader once the answer is sent;
//   - GET StatusPath: the running root and the boot entries (JSON).
//
// Authentication is the bundle's fleet signature: the transport may be
// plain HTTP, since nothing unsigned is ever written.
func Handler(in *Installer, reboot func() error, say func(string, ...any)) http.Handler {
	var mu sync.Mutex
	if say == nil {
		say = func(string, ...any) {}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+UpdatePath, func(w http.ResponseWriter, r *http.Request) {
		if !mu.TryLock() {
			http.Error(w, ErrBusy.Error(), http.StatusConflict)
			return
		}
		defer mu.Unlock()
		begin := time.Now()
		say("update from %s: receiving %d bytes", r.RemoteAddr, r.ContentLength)
		res, err := in.Install(r.Body)
		if err != nil {
			say("update refused: %v", err)
			code := http.StatusInternalServerError
			switch {
			case errors.Is(err, ErrNotBundle), errors.Is(err, ErrSignature), errors.Is(err, ErrRefused):
				code = http.StatusForbidden
			case errors.Is(err, ErrCorrupt):
				code = http.StatusUnprocessableEntity
			}
			http.Error(w, err.Error(), code)
			return
		}
		msg := fmt.Sprintf("installed %q to root %s (%s): %d bytes in %v (verify %v, write+fsync %v, switch %v); boot entry %s",
			res.Header.BuildID, strings.ToUpper(res.Slot), res.Partition, res.Written, time.Since(begin).Round(time.Millisecond),
			res.Verify.Round(time.Millisecond), res.Write.Round(time.Millisecond), res.Switch.Round(time.Millisecond), res.Entry)
		say("%s", msg)
		doReboot := r.URL.Query().Get("reboot") != "0" && reboot != nil
		if doReboot {
			msg += "; rebooting"
		}
		fmt.Fprintln(w, msg)
		if doReboot {
			http.NewResponseController(w).Flush()
			go func() {
				time.Sleep(500 * time.Millisecond) // let the answer leave
				if err := reboot(); err != nil {
					say("reboot: %v", err)
				}
			}()
		}
	})
	mux.HandleFunc("GET "+StatusPath, func(w http.ResponseWriter, r *http.Request) {
		st, err := in.Status()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
	})
	return mux
}

// Status reads the running root and the boot entries.
func (in *Installer) Status() (*Status, error) {
	sys := in.System
	if sys.Cmdline == "" {
		sys = DefaultSystem
	}
	disk, err := sys.FindDisk()
	if err != nil {
		return nil, err
	}
	var es []Entry
	err = in.withBoot(disk.Boot, func(boot string) (err error) {
		es, err = ReadEntries(boot)
		return err
	})
	if err != nil {
		return nil, err
	}
	st := &Status{Active: strings.ToUpper(Slot(disk.Active))}
	for _, e := range es {
		st.Entries = append(st.Entries, e.Name)
		if e.Slot == Slot(disk.Active) {
			st.Entry, st.Trial = e.Name, e.Counted
		}
	}
	return st, nil
}
