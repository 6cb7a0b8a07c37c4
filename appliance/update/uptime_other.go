//go:build !linux

package update

import "time"

// bootTime is unknown off Linux: deadlines count from the agent's start.
func bootTime() time.Duration { return 0 }
