package flash

import (
	"fmt"
	"time"
)

// redrawEvery limits a terminal's progress redraws: more often only costs
// CPU and flicker.
const redrawEvery = 200 * time.Millisecond

// progress shows one phase (writing, verifying): on a terminal a line
// redrawn in place with the percentage, MB/s and ETA; elsewhere a line at
// every 10 %.
type progress struct {
	what   string
	total  int64
	o      *Options
	start  time.Time
	drawn  time.Time
	tenths int64
	last   int64
}

func newProgress(what string, total int64, o *Options) *progress {
	now := o.Now()
	return &progress{what: what, total: total, o: o, start: now}
}

func (p *progress) update(done int64) {
	p.last = done
	if p.total <= 0 {
		return
	}
	if p.o.IsTerminal {
		if now := p.o.Now(); now.Sub(p.drawn) >= redrawEvery {
			p.drawn = now
			fmt.Fprintf(p.o.Progress, "\r%s   ", p.line(done)) // the spaces erase a longer previous line
		}
		return
	}
	if t := done * 10 / p.total; t > p.tenths {
		p.tenths = t
		fmt.Fprintln(p.o.Progress, p.line(done))
	}
}

// done completes the phase's display.
func (p *progress) done() {
	if p.o.IsTerminal {
		fmt.Fprintf(p.o.Progress, "\r%s   \n", p.line(p.last))
		return
	}
	if p.total <= 0 {
		fmt.Fprintln(p.o.Progress, p.line(p.last))
	}
}

func (p *progress) line(done int64) string {
	elapsed := p.o.Now().Sub(p.start)
	pct := int64(100)
	if p.total > 0 {
		pct = done * 100 / p.total
	}
	rate, eta := "-- MB/s", "ETA --:--"
	if s := elapsed.Seconds(); s > 0 && done > 0 {
		bps := float64(done) / s
		rate = fmt.Sprintf("%.1f MB/s", bps/1e6)
		left := time.Duration(float64(p.total-done) / bps * float64(time.Second)).Round(time.Second)
		eta = fmt.Sprintf("ETA %d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	}
	if done >= p.total {
		eta = fmt.Sprintf("in %s", elapsed.Round(100*time.Millisecond))
	}
	return fmt.Sprintf("%-9s %3d%%  %s / %s  %s  %s", p.what, pct, mb(done), mb(p.total), rate, eta)
}
