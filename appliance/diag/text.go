package diag

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteText prints r for a technician: the kiosk, each device, the journal,
// the free space, then what needs attention.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if r.KioskID != "" {
		fmt.Fprintf(tw, "Kiosk\t%s\n", r.KioskID)
	}
	if r.Version != "" {
		fmt.Fprintf(tw, "Version\t%s\n", r.Version)
	} else {
		fmt.Fprintln(tw, "Version\tnot known: read from a state directory")
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(tw, "Kiosk uptime\t%s (since %s UTC)\n", duration(r.Time.Sub(r.Started)), r.Started.UTC().Format("2006-01-02 15:04:05"))
	}
	if r.SystemUptime > 0 {
		fmt.Fprintf(tw, "System uptime\t%s\n", duration(r.SystemUptime))
	}
	fmt.Fprintln(tw)
	if r.From == "state" {
		fmt.Fprintln(tw, "Devices\tnot known: read from a state directory, not a running kiosk")
	} else {
		fmt.Fprintln(tw, "DEVICE\tSTATE\tDETAIL")
		for _, d := range r.Devices {
			detail := d.Detail
			if d.State == Failed && !d.Since.IsZero() {
				detail += fmt.Sprintf(" (since %s)", duration(r.Time.Sub(d.Since)))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Name, stateWord(d.State), detail)
		}
	}
	fmt.Fprintln(tw)
	j := r.Journal
	open := "open"
	switch {
	case j.Error != "":
		open = "UNREADABLE: " + j.Error
	case r.From == "state":
		open = "read from the state directory"
	case !j.Open:
		open = "NOT OPEN"
	}
	fmt.Fprintf(tw, "Journal\t%s, %d record(s)\n", open, j.Records)
	if !j.LastRecord.IsZero() {
		fmt.Fprintf(tw, "Last record\t%s UTC (%s, %s ago)\n", j.LastRecord.UTC().Format("2006-01-02 15:04:05"), j.LastType, duration(r.Time.Sub(j.LastRecord)))
	}
	fmt.Fprintf(tw, "Unresolved\t%d transaction(s) not final, %d note(s) of unknown fate, %d violation(s)\n", j.OpenTxns, len(j.Unresolved), len(j.Violations))
	s := r.Space
	if s.Error != "" {
		fmt.Fprintf(tw, "Free space\t%s: %s\n", s.Path, s.Error)
	} else {
		fmt.Fprintf(tw, "Free space\t%s free of %s on %s\n", size(s.Free), size(s.Total), s.Path)
	}
	if r.From == "kiosk" {
		fmt.Fprintf(tw, "Memory\t%s\n", r.Memory.text())
	}
	fmt.Fprintln(tw)
	if err := tw.Flush(); err != nil {
		return err
	}
	a := r.Attention()
	if len(a) == 0 {
		_, err := fmt.Fprintln(w, "HEALTHY")
		return err
	}
	fmt.Fprintf(w, "NEEDS ATTENTION (%d):\n", len(a))
	for _, s := range a {
		fmt.Fprintf(w, "  - %s\n", s)
	}
	return nil
}

func stateWord(s State) string {
	if s == Failed {
		return "FAILED"
	}
	return string(s)
}

// duration prints an uptime the way a technician says it: "3d 4h 12m".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return d.String()
	case d < time.Hour:
		return fmt.Sprintf("%dm %ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh %dm", int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60)
}
